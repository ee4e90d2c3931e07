// Entry point: command line -> Config -> server -> transport (see src/app/).
int main() { return 1; }
