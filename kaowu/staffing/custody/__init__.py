"""Paper custody (试卷保管与交接): packages, handovers, leak reports."""
