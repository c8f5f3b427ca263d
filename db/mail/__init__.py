"""E-mail: the trust's mail settings, the templates, composing one digest per person per action,
the SMTP conversation and the outbox that drains the notifications queue (N1).

Plain Python, no Qt: the window drains the queue on a worker, ``trustdesk notify send`` from a
scheduled task on a server.
"""
