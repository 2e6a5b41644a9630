"""Public verification of a certificate: by number and name, by the QR code, and the published key."""
