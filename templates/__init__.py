"""The packaged mail templates: this folder ships as the package complaintdesk.templates
(see setup.py) and is read with importlib.resources; templates/README.md documents them."""
