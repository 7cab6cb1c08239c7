"""Salesforce CRM adapter: OAuth (JWT bearer / username-password), one-query reads, composite writes."""
from followup.adapters.salesforce.crm import SalesforceCrm
from followup.adapters.salesforce.settings import SalesforceSettings

__all__ = ["SalesforceCrm", "SalesforceSettings"]
