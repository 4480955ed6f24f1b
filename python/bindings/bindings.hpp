// The C++ half of `import dnacnn` (module _dnacnn): each file binds one part of the library.
// Python-facing names and the numpy conventions are documented in docs/python.md.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn::python {

namespace py = pybind11;

void bind_encode(py::module_& m);
void bind_model(py::module_& m);
void bind_cli(py::module_& m);

// The characters of one Python sequence (str or bytes), without a copy for ASCII str and bytes.
// The object must stay alive while the view is used (Sequences keeps it).
struct Sequences {
  std::vector<py::object> owners;
  std::vector<std::string_view> views;
  std::size_t size() const { return views.size(); }
};
// Any iterable of str/bytes (list, tuple, pandas Series, generator); a single str or bytes is one
// sequence. TypeError for other items.
Sequences sequences_of(const py::handle& seqs);

// "seqs[3], column 17: ..." : where a sequence's problem is, in Python's indexing (the column,
// like the CLI's columns, counts from 1).
std::string sequence_place(std::size_t index, std::size_t column = 0);

// A float32 numpy array that owns `values` (no copy), of the given shape.
py::array_t<float> to_numpy(std::vector<float>&& values, const std::vector<py::ssize_t>& shape);

}  // namespace dnacnn::python
