"""Publishing a dataset as a commune's agent does it: the form's required fields reported
as the agent sees them, unpublishing with a confirmation, and the dataset page's text."""
