#include "cli/app.h"

int main(int argc, char** argv) { return polc::cli::Main(argc, argv); }
