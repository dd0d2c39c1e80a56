#pragma once
// A small, strict command-line parser: "--name value" or "--name=value" options and "--flag" switches.
// Unknown options and malformed values are errors naming the option.
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gatkit/util/error.hpp"

namespace gatkit::cli {

class Args {
 public:
  /// `options` take a value, `flags` do not; `repeatable` options may appear several times.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& options, const std::set<std::string>& flags) {
    for (std::size_t k = 0; k < argv.size(); ++k) {
      std::string arg = argv[k];
      if (arg.rfind("--", 0) != 0) throw InvalidArgument("unexpected argument '" + arg + "' (options start with --)");
      std::string name = arg.substr(2), value;
      bool has_value = false;
      if (const auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      if (flags.count(name)) {
        if (has_value) throw InvalidArgument("--" + name + " takes no value");
        flags_.insert(name);
      } else if (options.count(name)) {
        if (!has_value) {
          if (k + 1 >= argv.size()) throw InvalidArgument("--" + name + " needs a value");
          value = argv[++k];
        }
        values_[name] = value;
      } else {
        throw InvalidArgument("unknown option --" + name);
      }
    }
  }

  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string str(const std::string& name, const std::string& fallback = "") const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  std::string required(const std::string& name) const {
    if (!has(name)) throw InvalidArgument("missing --" + name);
    return values_.at(name);
  }
  std::int64_t integer(const std::string& name, std::int64_t fallback) const {
    if (!has(name)) return fallback;
    const std::string& s = values_.at(name);
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size())
      throw InvalidArgument("--" + name + " expects an integer, got '" + s + "'");
    return v;
  }
  double number(const std::string& name, double fallback) const {
    if (!has(name)) return fallback;
    const std::string& s = values_.at(name);
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size())
      throw InvalidArgument("--" + name + " expects a number, got '" + s + "'");
    return v;
  }

  /// The options and flags given, sorted by name, leaving out `ignored`: what identifies a run for
  /// --resume (the same options in any order give the same text).
  std::string fingerprint(const std::set<std::string>& ignored) const {
    std::string out;
    for (const auto& [name, value] : values_)
      if (!ignored.count(name)) out += (out.empty() ? "--" : " --") + name + "=" + value;
    for (const auto& name : flags_)
      if (!ignored.count(name)) out += (out.empty() ? "--" : " --") + name;
    return out;
  }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

/// The value of --NAME (or --NAME=VALUE) in raw arguments, before any Args parses them (to choose the
/// command that will); "" when absent.
inline std::string raw_option(const std::vector<std::string>& args, const std::string& name) {
  for (std::size_t k = 0; k < args.size(); ++k) {
    if (args[k] == "--" + name && k + 1 < args.size()) return args[k + 1];
    if (args[k].rfind("--" + name + "=", 0) == 0) return args[k].substr(name.size() + 3);
  }
  return "";
}

}  // namespace gatkit::cli
