import gc

from eventapp import create_app

app = create_app()
# What is built so far (modules, the app, its routes) lives as long as the worker: the collector
# need not walk it again on every full pass, which would otherwise pause a request now and then.
gc.freeze()
