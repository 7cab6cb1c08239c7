"""Sales Follow-Up Copilot core: drafting, proposals, governance-gated commits."""
