// Placeholder entry point; the election loop lands with the elector work.
return 0;
