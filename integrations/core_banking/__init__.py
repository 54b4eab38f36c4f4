"""Core-banking (ABS/CRM) integration."""
