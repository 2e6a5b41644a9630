"""The published exam calendars: loading the calendar file, the row a plan falls under, the month view."""
