// A stand-in for Windows' bcryptprimitives.dll, which wine 8 (Debian 12) lacks. Windows 10 and later
// have it, and programs built by current toolchains need its ProcessPrng at start-up: esbuild.exe
// (Go >= 1.22 loads it from system32 and stops without it) and our own windows-gnu addon (Rust's
// std imports it). scripts/cross-test.sh builds this with mingw-w64 into the wine prefix's
// system32. Used only for the tests under wine; not part of the package.
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!RtlGenRandom(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
