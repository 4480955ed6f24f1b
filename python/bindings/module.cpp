// PYBIND11_MODULE(_dnacnn): dnacnn.Error, the version, and every C++ exception turned into
// dnacnn.Error with its one-line message, so that nothing escapes into the interpreter as a crash.
#include <new>

#include "bindings.hpp"
#include "cli.hpp"
#include "dnacnn/core/error.hpp"

namespace dnacnn::python {

Sequences sequences_of(const py::handle& seqs) {
  Sequences out;
  const auto add = [&out](const py::handle& item, std::size_t index) {
    if (PyUnicode_Check(item.ptr())) {
      Py_ssize_t size = 0;
      const char* data = PyUnicode_AsUTF8AndSize(item.ptr(), &size);  // ASCII: the str's own bytes
      if (!data) throw py::error_already_set();
      out.views.emplace_back(data, static_cast<std::size_t>(size));
    } else if (PyBytes_Check(item.ptr())) {
      out.views.emplace_back(PyBytes_AS_STRING(item.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(item.ptr())));
    } else {
      throw py::type_error(sequence_place(index) + ": a sequence is a str or bytes, got " +
                           std::string(py::str(py::type::handle_of(item).attr("__name__"))));
    }
    out.owners.push_back(py::reinterpret_borrow<py::object>(item));
  };
  if (PyUnicode_Check(seqs.ptr()) || PyBytes_Check(seqs.ptr())) {
    add(seqs, 0);
    return out;
  }
  if (py::isinstance<py::array>(seqs) && py::array(py::reinterpret_borrow<py::array>(seqs)).dtype().kind() == 'f')
    throw py::type_error("got a numeric array: sequences are str or bytes (predict also takes a one-hot array)");
  std::size_t index = 0;
  for (const py::handle item : py::iter(seqs)) add(item, index++);
  return out;
}

std::string sequence_place(std::size_t index, std::size_t column) {
  std::string s = "seqs[" + std::to_string(index) + "]";
  return column > 0 ? s + ", column " + std::to_string(column) : s;
}

py::array_t<float> to_numpy(std::vector<float>&& values, const std::vector<py::ssize_t>& shape) {
  auto* owned = new std::vector<float>(std::move(values));
  const py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<float>*>(p); });
  return py::array_t<float>(shape, owned->data(), free_when_done);
}

}  // namespace dnacnn::python

PYBIND11_MODULE(_dnacnn, m) {
  namespace py = pybind11;
  m.doc() = "dnacnn's C++ half; use `import dnacnn` (python/dnacnn/__init__.py)";
  m.attr("version") = std::string(DNACNN_VERSION);
  // As the binary does: without it m.predict ran at half the CLI's speed (docs/python.md).
  dnacnn::app::keep_large_blocks_in_heap();
  static py::exception<dnacnn::Error> error(m, "Error", PyExc_Exception);
  error.attr("__module__") = "dnacnn";
  error.doc() = "Every failure of dnacnn: the CLI's one-line message (file:line:column where known).";
  // Tried before pybind11's own translator: Python errors and pybind11's TypeError/ValueError pass
  // through; every C++ exception becomes dnacnn.Error.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const py::error_already_set&) {
      throw;
    } catch (const py::builtin_exception&) {
      throw;
    } catch (const dnacnn::Error& e) {
      PyErr_SetString(error.ptr(), e.what());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(error.ptr(), "out of memory");
    } catch (const std::exception& e) {
      const std::string what = e.what();
      PyErr_SetString(error.ptr(), ("internal error: " + what.substr(0, what.find('\n'))).c_str());
    } catch (...) {
      PyErr_SetString(error.ptr(), "internal error");
    }
  });
  dnacnn::python::bind_encode(m);
  dnacnn::python::bind_model(m);
  dnacnn::python::bind_cli(m);
}
