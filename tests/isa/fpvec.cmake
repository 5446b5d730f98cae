# RISC-V F/D oracle for tests/isa/fp_test.cpp: builds tests/isa/fpvec/fpvec.c with the Linux
# cross compiler and tells test_isa where it and qemu-riscv64 are. Include after
# xvm_layer_tests(test_isa ...). A missing tool is not a configure error: the test then fails
# with a message naming it (the F/D semantics must never go unchecked silently).
if(NOT TARGET test_isa)
  return()
endif()
find_program(XVM_RISCV64_LINUX_GCC riscv64-linux-gnu-gcc)
find_program(XVM_QEMU_RISCV64 qemu-riscv64)
set(xvm_fpvec_bin ${CMAKE_CURRENT_BINARY_DIR}/fpvec-riscv64)
if(XVM_RISCV64_LINUX_GCC)
  add_custom_command(
    OUTPUT ${xvm_fpvec_bin}
    COMMAND ${XVM_RISCV64_LINUX_GCC} -O1 -static -Wall -Wextra -Werror
            -o ${xvm_fpvec_bin} ${CMAKE_CURRENT_LIST_DIR}/fpvec/fpvec.c
    DEPENDS ${CMAKE_CURRENT_LIST_DIR}/fpvec/fpvec.c
    COMMENT "Building the RISC-V F/D vector generator (riscv64 guest)")
  add_custom_target(xvm_fpvec DEPENDS ${xvm_fpvec_bin})
  add_dependencies(test_isa xvm_fpvec)
endif()
target_compile_definitions(test_isa PRIVATE
  XVM_FPVEC="${xvm_fpvec_bin}"
  XVM_FPVEC_CC="${XVM_RISCV64_LINUX_GCC}"
  XVM_QEMU_RISCV64="${XVM_QEMU_RISCV64}")
