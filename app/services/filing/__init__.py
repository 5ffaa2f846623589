"""A company's filing: its profile, drafts and submissions, the round's state on its Home page, and the
credibility flags computed when a submission is stored."""

__all__ = ["assessments", "companies", "company_records", "credibility", "portal"]
