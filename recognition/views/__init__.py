"""Pages of recognition, a module per sub-domain: recognition (the wall, giving, profiles),
values (company values and contribution kinds), points, rewards, insights and settings."""
