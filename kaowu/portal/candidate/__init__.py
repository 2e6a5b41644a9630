"""Candidate self-service: sign up, apply, photo and documents, submit, follow the reviews."""
