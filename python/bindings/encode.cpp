// dnacnn.one_hot: sequences -> float32 (n, L, 4), A, C, G, T channels, N (and padding) as zeros;
// length= centre-crops or N-pads each sequence as the CLI's --length does.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "bindings.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/data/dataset.hpp"
#include "dnacnn/data/encode.hpp"

namespace dnacnn::python {
namespace {

// A piece of work: bases [start, start + size) of sequence `row` into its rows of the output.
struct Piece {
  std::size_t row, start, size;
};

// Long sequences are cut so that several threads share even one chromosome.
constexpr std::size_t kPieceBases = std::size_t{1} << 22;

void check_bases(std::string_view seq, std::size_t index) {
  if (seq.empty()) throw Error(sequence_place(index) + ": empty sequence");
  const std::size_t bad = find_invalid_base(seq);
  if (bad != kAllValid)
    throw Error(fmt::format("{}: invalid base {} in sequence (allowed: A, C, G, T, N)", sequence_place(index, bad + 1),
                            describe_char(seq[bad])));
}

// The sequences as they are encoded: views of the caller's strings, or (length=) fitted copies.
struct Fitted {
  std::vector<std::string_view> views;
  std::vector<std::string> copies;  // keeps fitted sequences alive (reserved: views stay valid)
};

Fitted fit_all(const Sequences& seqs, std::int64_t length, Pad pad) {
  Fitted f;
  f.copies.reserve(seqs.size());
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    const std::string_view s = seqs.views[i];
    if (length <= 0 || static_cast<std::int64_t>(s.size()) == length) {
      if (s.empty()) check_bases(s, i);
      f.views.push_back(s);
      continue;
    }
    check_bases(s, i);  // the whole sequence, cropped part too, as the CLI reads it
    f.views.push_back(f.copies.emplace_back(fit_length(s, length, pad)));
  }
  if (length <= 0)
    for (std::size_t i = 1; i < f.views.size(); ++i)
      if (f.views[i].size() != f.views[0].size())
        throw Error(fmt::format("{} has {} bases, {} has {}: give length= to centre-crop or N-pad them to one length",
                                sequence_place(0), f.views[0].size(), sequence_place(i), f.views[i].size()));
  return f;
}

// Encodes every piece, `threads` at a time; the first invalid base of each piece is recorded.
void encode_pieces(const std::vector<std::string_view>& views, const std::vector<Piece>& pieces, float* out,
                   std::size_t length, int threads, std::vector<std::size_t>& bad) {
  bad.assign(pieces.size(), kAllValid);
  const auto run = [&](std::size_t first, std::size_t last) {
    for (std::size_t p = first; p < last; ++p) {
      const Piece& piece = pieces[p];
      float* to = out + (piece.row * length + piece.start) * kChannels;
      bad[p] = one_hot_encode(views[piece.row].substr(piece.start, piece.size), to);
    }
  };
  const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), pieces.size());
  if (workers <= 1) return run(0, pieces.size());
  std::vector<std::thread> team;
  for (std::size_t w = 0; w < workers; ++w)
    team.emplace_back(run, pieces.size() * w / workers, pieces.size() * (w + 1) / workers);
  for (std::thread& t : team) t.join();
}

// The caller's array to write into (out=), checked against the shape one_hot would return.
py::array_t<float> output_array(const py::object& out, const std::vector<py::ssize_t>& shape) {
  if (out.is_none()) return py::array_t<float>(shape);
  const auto fail = [&](const std::string& why) {
    std::string want;
    for (py::ssize_t d : shape) want += (want.empty() ? "" : ", ") + std::to_string(d);
    return Error("out= must be a writeable, C-contiguous float32 array of shape (" + want + "): " + why);
  };
  if (!py::isinstance<py::array_t<float>>(out)) throw fail("it is not a float32 array");
  auto array = py::reinterpret_borrow<py::array_t<float>>(out);
  if (!(array.flags() & py::array::c_style) || !array.writeable()) throw fail("it is not writeable and C-contiguous");
  if (std::vector<py::ssize_t>(array.shape(), array.shape() + array.ndim()) != shape) throw fail("its shape differs");
  return array;
}

py::array_t<float> one_hot(const py::handle& seqs_in, std::int64_t length, const std::string& pad, int threads,
                           const py::object& out_given) {
  if (length < 0) throw Error(fmt::format("length={}: 0 (all sequences of one length) or more", length));
  if (threads < 1) throw Error(fmt::format("threads={}: 1 or more", threads));
  const bool single = PyUnicode_Check(seqs_in.ptr()) || PyBytes_Check(seqs_in.ptr());
  const Sequences seqs = sequences_of(seqs_in);
  const Pad where = parse_pad(pad);
  Fitted fitted = fit_all(seqs, length, where);
  const std::size_t n = fitted.views.size(), bases = n == 0 ? static_cast<std::size_t>(length) : fitted.views[0].size();
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(bases), kChannels};
  if (single) shape.erase(shape.begin());
  py::array_t<float> out = output_array(out_given, shape);  // no copy either way
  std::vector<Piece> pieces;
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t s = 0; s < bases; s += kPieceBases) pieces.push_back({r, s, std::min(kPieceBases, bases - s)});
  std::vector<std::size_t> bad;
  {
    const py::gil_scoped_release computing;
    encode_pieces(fitted.views, pieces, out.mutable_data(), bases, threads, bad);
  }
  for (std::size_t p = 0; p < pieces.size(); ++p)
    if (bad[p] != kAllValid) check_bases(seqs.views[pieces[p].row], pieces[p].row);  // names the first bad base
  return out;
}

}  // namespace

void bind_encode(py::module_& m) {
  m.def("one_hot", &one_hot, py::arg("seqs"), py::arg("length") = 0, py::arg("pad") = "both", py::arg("threads") = 1,
        py::arg("out") = py::none(),
        "float32 (n, L, 4) one-hot of str/bytes sequences: channels A, C, G, T (either case), N as zeros. "
        "length=L centre-crops longer and N-pads shorter sequences (pad='left', 'right' or 'both') as the "
        "CLI's --length does; without it all sequences must have one length. A single str gives (L, 4). "
        "out=: write into this float32 array (e.g. one buffer reused window after window) and return it.");
}

}  // namespace dnacnn::python
