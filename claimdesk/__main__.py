from claimdesk.cli import console

raise SystemExit(console())
