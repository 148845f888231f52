"""Mail: composing messages, the outbox that sends them, and the mail jobs that queue them in bulk."""
