"""The mail outbox: every e-mail of the product is a row first, delivered by a task.

django-post-office is the outbox (``EMAIL_BACKEND = "post_office.EmailBackend"``): a mail
sent through Django's mail API inside a transaction is a row of that transaction, so a
step that rolls back sends nothing and a step that commits cannot lose its mail. The task
``outbox.tasks.deliver_outbox`` hands the rows to the real transport (``EMAIL_URL``); it is
kicked after each commit that queued mail and run by beat every minute, so a broker that
is down when a step commits only delays the mail.
"""
