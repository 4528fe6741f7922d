"""Rules about FS2 centres and FS4 requests, on ``srb_project.policy`` (issue 15)."""
