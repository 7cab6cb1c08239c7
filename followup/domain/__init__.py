"""Domain model: CRM snapshot, Proposal aggregate, lifecycle and domain events. No SDK imports."""
