"""The trust layer: policy schema and loader, RBAC, approval gates, change windows, residency,
PII masking and redaction, prompt log and the tamper-evident audit ledger. No SDK imports."""
