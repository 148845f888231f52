"""Registration: the lifecycle of a registration, its state, seat counts, seat allocation, held seats and the organisers' list."""
