"""Small pluggable algorithms, one file each, registered under versioned names."""
