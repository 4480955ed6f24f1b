// Reading JSON numbers into integers without undefined behaviour. nlohmann's get<int>() of a
// float is a plain static_cast: 3.3e19 into an int is undefined (the run_config and model_spec fuzz
// targets found both). json_get::get_to and json_get::get are nlohmann's, except that an integer
// refuses floats that are not whole or not in its range, and integers out of its range, with
// nlohmann's own type_error (302), so callers that turn json::exception into a located message keep
// doing so. A from_json reads every field through them, so a new integer field is guarded too.
#pragma once
#include <array>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dnacnn::json_get {

template <std::integral T>
  requires(!std::same_as<T, bool>)
void get_to(const nlohmann::json& j, T& out) {
  using limits = std::numeric_limits<T>;
  const auto refuse = [&](const std::string& why) { throw nlohmann::json::type_error::create(302, why, &j); };
  if (j.is_number_float()) {
    const double d = j.get<double>();
    // T's range is [min, 2^digits): max() itself would round up to 2^63 as a double for 64-bit T.
    if (std::trunc(d) != d || !(d >= static_cast<double>(limits::min())) || !(d < std::ldexp(1.0, limits::digits)))
      refuse("number " + j.dump() + " is not a whole number in range");
    out = static_cast<T>(d);
  } else if (j.is_number_unsigned()) {
    const auto u = j.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(limits::max())) refuse("number " + j.dump() + " is out of range");
    out = static_cast<T>(u);
  } else if (j.is_number_integer()) {
    const auto i = j.get<std::int64_t>();
    if constexpr (std::is_signed_v<T>) {
      if (i < static_cast<std::int64_t>(limits::min()) || i > static_cast<std::int64_t>(limits::max()))
        refuse("number " + j.dump() + " is out of range");
    } else if (i < 0 || static_cast<std::uint64_t>(i) > limits::max()) {
      refuse("number " + j.dump() + " is out of range");
    }
    out = static_cast<T>(i);
  } else {
    refuse("type must be number, but is " + std::string(j.type_name()));
  }
}

// Any other type: nlohmann's own conversion (strings, floats, maps...).
template <class T>
void get_to(const nlohmann::json& j, T& out) {
  j.get_to(out);
}

// Arrays element by element, so that integers in them are guarded too (a safetensors file's
// data_offsets of 1e110 was the same undefined cast; found by the safetensors campaign).
template <class T>
void get_to(const nlohmann::json& j, std::vector<T>& out) {
  if (!j.is_array()) throw nlohmann::json::type_error::create(302, "type must be array, but is " + std::string(j.type_name()), &j);
  out.clear();
  out.reserve(j.size());
  for (const nlohmann::json& element : j) {
    T value{};
    json_get::get_to(element, value);
    out.push_back(std::move(value));
  }
}

template <class T, std::size_t N>
void get_to(const nlohmann::json& j, std::array<T, N>& out) {
  if (!j.is_array() || j.size() != N)
    throw nlohmann::json::type_error::create(302, "must be an array of " + std::to_string(N) + ", but is " + j.dump(), &j);
  for (std::size_t i = 0; i < N; ++i) json_get::get_to(j[i], out[i]);
}

template <class T>
T get(const nlohmann::json& j) {
  T out{};
  json_get::get_to(j, out);
  return out;
}

}  // namespace dnacnn::json_get
