"""What the province's other systems use (issue 27): machine clients and their tokens, the API's
reads of companies, submissions and filing, filing by a company's own system, and webhooks."""
