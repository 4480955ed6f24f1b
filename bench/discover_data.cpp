// `make bench` input for `dnacnn discover`: N sequences x L bp of attributions (attributions.tsv as
// `dnacnn attribute` writes it) with two planted motifs of opposite sign (tests/support's fixture).
#include <cstdio>
#include <string>

#include "attribution_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: dnacnn_discover_data OUT_DIR SEQUENCES LENGTH\n");
    return 2;
  }
  const auto planted = dnacnn::test::write_planted_attributions(argv[1], std::stoi(argv[2]), std::stoi(argv[3]),
                                                                "TGACTCAG", "GATAAGG", 7);
  std::printf("%d %d\n", planted.positive, planted.negative);
  return 0;
}
