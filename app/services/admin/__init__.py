"""The administrator's tools: accounts, the company registry import, rule set versions and their
impact, the audit log, and backup and restore."""

__all__ = ["audit_log", "backup", "company_import", "ruleset_impact", "ruleset_points", "rulesets", "users"]
