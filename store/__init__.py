"""claimdesk's headless core: schema, import, linking and export. No UI code lives here."""
