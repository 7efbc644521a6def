"""complaintdesk benchmark (`make bench`): corpus, servers, workers, report."""
