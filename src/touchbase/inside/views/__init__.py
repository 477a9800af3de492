"""The inside area's pages: AMA sessions (members and guests) and virtual coffee."""
