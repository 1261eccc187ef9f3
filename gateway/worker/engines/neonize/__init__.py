"""The real WhatsApp engine over neonize (whatsmeow). The only package that imports neonize."""
