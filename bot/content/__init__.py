"""The content team's knowledge base: versions, drafts, publishing, the /admin page."""
