// Placeholder entry point; the server wiring lands with the serve/TLS work.
return 0;
