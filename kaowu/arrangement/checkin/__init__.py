"""Ticket check-in at the door: the page behind the ticket's QR code."""
