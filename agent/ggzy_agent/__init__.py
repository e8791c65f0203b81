"""证书助手 (ggzy-agent): a loopback service that signs for allow-listed sites after a PIN on its own page."""

__version__ = "0.1.0"
