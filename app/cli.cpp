#include "cli.hpp"

#include <malloc.h>

#include <exception>
#include <iostream>

#include "commands.hpp"
#include "dnacnn/core/error.hpp"

namespace dnacnn::app {
namespace {

// The subcommand a message belongs to: the one that was parsed, or argv[1] if it names one.
std::string command_name(const CLI::App& root, int argc, char** argv) {
  for (const CLI::App* sub : root.get_subcommands()) return sub->get_name();
  if (argc > 1)
    for (const CLI::App* sub : root.get_subcommands({}))
      if (sub->get_name() == argv[1]) return sub->get_name();
  return "";
}

// Always exactly one line: whatever a message quotes cannot break it (control bytes are escaped;
// UTF-8 in file names stays readable) or flood the terminal.
std::string one_line(const std::string& message) {
  std::string out;
  for (char c : message.substr(0, 2000)) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7f ? dnacnn::printable_excerpt(std::string_view(&c, 1)) : std::string(1, c);
  }
  return message.size() > 2000 ? out + "..." : out;
}

CliOutcome fail(const std::string& command, const std::string& message, int code) {
  return {code, "dnacnn" + (command.empty() ? "" : " " + command) + ": " + one_line(message)};
}

// Library code throws dnacnn::Error; anything else is a bug, but still gets one line, not a trace.
std::string first_line(const char* what) {
  std::string s = what ? what : "unknown error";
  return s.substr(0, s.find('\n'));
}

}  // namespace


void keep_large_blocks_in_heap() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
}

CliOutcome run_command_line(int argc, char** argv) {
  CLI::App root{"dnacnn: train, evaluate and explain convolutional networks that score DNA sequences", "dnacnn"};
  root.option_defaults()->always_capture_default();
  root.set_version_flag("--version", std::string(DNACNN_VERSION));
  root.require_subcommand(1);
  add_simulate(root);
  add_train(root);
  add_evaluate(root);
  add_predict(root);
  add_demo(root);
  add_motifs(root);
  add_models(root);
  add_report(root);
  add_sweep(root);
  add_compare(root);
  add_export(root);
  add_scan(root);
  add_variants(root);
  add_attribute(root);
  add_marginalize(root);
  add_ablate(root);
  add_discover(root);
  add_launch(root);
  add_merge(root);
  add_design(root);
  add_coverage(root);
  set_command_line(argc, argv);

  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return {root.exit(e), ""};
  } catch (const CLI::CallForAllHelp& e) {
    return {root.exit(e), ""};
  } catch (const CLI::CallForVersion& e) {
    return {root.exit(e), ""};
  } catch (const CLI::ParseError& e) {
    const std::string cmd = command_name(root, argc, argv);
    if (cmd.empty() && argc > 1 && argv[1][0] != '-') {
      std::string known;
      for (const CLI::App* sub : root.get_subcommands({})) known += (known.empty() ? "" : ", ") + sub->get_name();
      return fail("", "unknown command '" + std::string(argv[1]) + "' (commands: " + known + ")",
                  dnacnn::kExitUsageError);
    }
    if (argc == 1) std::cerr << root.help();
    return fail(cmd, std::string(e.what()) + " (see 'dnacnn " + (cmd.empty() ? "" : cmd + " ") + "--help')",
                dnacnn::kExitUsageError);
  } catch (const dnacnn::Error& e) {
    return fail(command_name(root, argc, argv), e.what(), e.exit_code());
  } catch (const std::bad_alloc&) {
    return fail(command_name(root, argc, argv), "out of memory", dnacnn::kExitDataError);
  } catch (const std::exception& e) {
    return fail(command_name(root, argc, argv), "internal error: " + first_line(e.what()), dnacnn::kExitDataError);
  } catch (...) {
    return fail(command_name(root, argc, argv), "internal error", dnacnn::kExitDataError);
  }
  return {dnacnn::kExitOk, ""};
}

}  // namespace dnacnn::app
