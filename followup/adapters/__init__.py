"""Adapters implementing ``followup.ports``: stores, CRMs, LLM, Teams delivery."""
