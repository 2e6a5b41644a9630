"""Arrangement documents: admission tickets, room lists, the preparation notice and the Excel lists."""
