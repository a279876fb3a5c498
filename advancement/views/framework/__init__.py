"""The career framework's pages: reading the published framework (everyone) and HR's draft."""
