"""The cases app's pages, one module per use case (``cases/urls.py`` and
``cases/urls_supervision.py`` name them):

- ``cases``: the list, registering and editing, the case page, personal data, the workflow;
- ``follow_ups``: follow-ups and attachments;
- ``orders``: supervision orders' pages and steps;
- ``bulk``: one action on many cases of the list;
- ``imports``, ``exports``, ``jobs``: moving cases in and out, and the background jobs;
- ``timeline`` and ``order_panels``: the parts the case page and the order page share.
"""
