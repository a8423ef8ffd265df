"""The demo city: ``manage.py load_demo`` runs each app's demo module in order.

It is the last app in the order (docs/architecture.md, Layers): it imports every app, none
imports it. The demo data of each app stays in that app (``<app>/demo.py``).
"""
