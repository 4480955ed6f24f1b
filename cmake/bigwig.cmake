# libBigWig: Debian's libbigwig-dev installs bigWig.h and libBigWig.so without a CMake or
# pkg-config file. Its header includes curl's (remote files), so curl's headers must be there too.
find_path(BIGWIG_INCLUDE_DIR bigWig.h REQUIRED)
find_library(BIGWIG_LIBRARY BigWig REQUIRED)
# libdeflate (htslib's own dependency) compresses bigWig blocks for it (src/io/bigwig.cpp).
find_path(LIBDEFLATE_INCLUDE_DIR libdeflate.h REQUIRED)
find_library(LIBDEFLATE_LIBRARY deflate REQUIRED)
find_package(ZLIB REQUIRED)
if(NOT TARGET BigWig::BigWig)
  add_library(BigWig::BigWig UNKNOWN IMPORTED)
  set_target_properties(BigWig::BigWig PROPERTIES IMPORTED_LOCATION ${BIGWIG_LIBRARY}
                        INTERFACE_INCLUDE_DIRECTORIES "${BIGWIG_INCLUDE_DIR};${LIBDEFLATE_INCLUDE_DIR}"
                        INTERFACE_LINK_LIBRARIES "${LIBDEFLATE_LIBRARY};ZLIB::ZLIB")
endif()
