// The only file of polc that sees Clang/LLVM headers (CMakeLists.txt sets
// their include path on it alone), so the rest of the build stays fast.
//
// Why a cc1 invocation and not the driver: the driver looks for a clang
// binary, a resource directory and system headers on the disk; cc1 with
// -nostdsysteminc -nobuiltininc over an in-memory file system needs none of
// them. Determinism comes from fixed names: the source is always
// /polc/polc.bpf.c, the compilation directory /polc, no ident string.
#include "codegen-bpf/clang_compile.h"

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include <memory>
#include <mutex>

#include "codegen-bpf/embedded_headers.h"

extern "C" {
void LLVMInitializeBPFTargetInfo();
void LLVMInitializeBPFTarget();
void LLVMInitializeBPFTargetMC();
void LLVMInitializeBPFAsmPrinter();
}

namespace polc::codegen {
namespace {

constexpr const char* kDirectory = "/polc";
constexpr const char* kSourcePath = "/polc/polc.bpf.c";

void InitializeBpfTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
  });
}

llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem> SourceFileSystem(const std::string& source) {
  auto fs = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  // A fixed modification time: clang records none in the object, but the
  // file system must not depend on when polc ran either.
  fs->addFile(kSourcePath, 0, llvm::MemoryBuffer::getMemBufferCopy(source, kSourcePath));
  for (const EmbeddedHeader& header : EmbeddedHeaders()) {
    std::string path = std::string(kDirectory) + "/" + std::string(header.name);
    fs->addFile(path, 0, llvm::MemoryBuffer::getMemBuffer(llvm::StringRef(header.text.data(), header.text.size()), path));
  }
  fs->setCurrentWorkingDirectory(kDirectory);
  return fs;
}

}  // namespace

CompileResult CompileBpf(const std::string& source) {
  InitializeBpfTarget();
  CompileResult result;
  llvm::raw_string_ostream diagnostics(result.diagnostics);

  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> diag_options = new clang::DiagnosticOptions();
  diag_options->ShowColors = false;
  auto* printer = new clang::TextDiagnosticPrinter(diagnostics, diag_options.get());

  // What `clang -target bpf -mcpu=v3 -O2 -g -c` passes to cc1, minus every
  // path on the disk.
  const char* args[] = {
      "-triple", "bpfel", "-target-cpu", "v3", "-emit-obj", "-O2", "-std=gnu11",
      "-debug-info-kind=constructor", "-dwarf-version=5", "-fdebug-compilation-dir=/polc",
      "-fdebug-prefix-map=/polc=/polc", "-main-file-name", "polc.bpf.c", "-nostdsysteminc", "-nobuiltininc",
      "-ffreestanding", "-Qn", "-Wall", "-fno-common", "-x", "c", kSourcePath,
  };
  auto invocation = std::make_shared<clang::CompilerInvocation>();
  {
    clang::DiagnosticsEngine arg_diags(llvm::makeIntrusiveRefCnt<clang::DiagnosticIDs>(), diag_options.get(),
                                       printer, /*ShouldOwnClient=*/false);
    if (!clang::CompilerInvocation::CreateFromArgs(*invocation, args, arg_diags)) {
      delete printer;
      diagnostics.flush();
      return result;
    }
  }

  clang::CompilerInstance compiler;
  compiler.setInvocation(invocation);
  compiler.createDiagnostics(printer, /*ShouldOwnClient=*/true);
  compiler.createFileManager(SourceFileSystem(source));
  compiler.createSourceManager(compiler.getFileManager());

  llvm::SmallString<0> object;
  compiler.setOutputStream(std::make_unique<llvm::raw_svector_ostream>(object));
  llvm::LLVMContext context;
  clang::EmitObjAction action(&context);
  bool ok = compiler.ExecuteAction(action);
  diagnostics.flush();
  result.ok = ok && !compiler.getDiagnostics().hasErrorOccurred() && !object.empty();
  result.object.assign(object.begin(), object.end());
  return result;
}

}  // namespace polc::codegen
