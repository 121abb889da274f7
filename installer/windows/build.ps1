<#
.SYNOPSIS
  Build Revoke Desk for Windows: the PyInstaller bundle and the NSIS installer (Japanese).

.DESCRIPTION
  1. a fresh venv from installer\requirements-lock.txt (hashes checked, wheels only)
     and the app's own wheel, so that its metadata (the version) is in the bundle;
  2. PyInstaller with installer\revoke-desk.spec (the same spec as Linux):
     dist\revoke-desk\ with revoke-desk-gui.exe (no console) and revoke-desk.exe (CLI);
  3. a smoke run of the bundle: --version, and the GUI to its first window offscreen;
  4. code signing of both programs, the uninstaller and the installer with signtool,
     only when -CertificatePath is given (else skipped, and said so);
  5. makensis installer\windows\revoke-desk.nsi -> dist\RevokeDesk-VERSION-setup.exe,
     and dist\revoke-desk-VERSION-windows-x64.zip of the bundle.

  Needs Python 3.12 or newer (the py launcher, or -Python), and NSIS 3 (makensis on the
  PATH or in its default folder).  Written for a Windows runner
  (.github/workflows/windows.yml); it has not been run on the Linux machines where the
  rest of the project is developed (docs/decisions.md).

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
.EXAMPLE
  $env:REVOKE_DESK_SIGN_PASSWORD = '...'
  .\installer\windows\build.ps1 -CertificatePath C:\keys\shop-codesign.pfx
#>
[CmdletBinding()]
param(
  # The build's Python: a path, or a py launcher version (-Python 3.12)
  [string]$Python = "3.12",
  # A code-signing certificate (.pfx); its password in $env:REVOKE_DESK_SIGN_PASSWORD
  [string]$CertificatePath = "",
  [string]$TimestampUrl = "http://timestamp.digicert.com",
  [string]$BuildDir = "build\installer",
  [string]$DistDir = "dist",
  [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

function Invoke-Checked {
  param([string]$Exe, [string[]]$Arguments)
  & $Exe @Arguments
  if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# --- the build's Python ------------------------------------------------------------
if (Test-Path $Python) { $BasePython = @($Python) } else { $BasePython = @("py", "-$Python") }
$PyExe = $BasePython[0]
$PyArgs = @($BasePython | Select-Object -Skip 1)
$version = & $PyExe @PyArgs -c "import sys; print('%d.%d.%d' % sys.version_info[:3])"
if ($LASTEXITCODE -ne 0) { throw "no Python $Python here (install it, or pass -Python C:\path\python.exe)" }
Write-Host "== build Python: $($BasePython -join ' ') ($version)"
& $PyExe @PyArgs -c "import sys; sys.exit(sys.version_info < (3, 12))"
if ($LASTEXITCODE -ne 0) { Write-Warning "Python $version < 3.12: the bundle gets PySide6 6.11 (capped)" }

$BuildDir = New-Item -ItemType Directory -Force $BuildDir | ForEach-Object FullName
$DistDir = New-Item -ItemType Directory -Force $DistDir | ForEach-Object FullName
$Venv = Join-Path $BuildDir "venv"
foreach ($old in @($Venv, (Join-Path $BuildDir "pyinstaller"), (Join-Path $DistDir "revoke-desk"))) {
  if (Test-Path $old) { Remove-Item -Recurse -Force $old }
}

# --- 1. venv from the lock -----------------------------------------------------------
Write-Host "== venv from installer\requirements-lock.txt"
Invoke-Checked $PyExe ($PyArgs + @("-m", "venv", $Venv))
$VenvPython = Join-Path $Venv "Scripts\python.exe"
Invoke-Checked $VenvPython @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
Invoke-Checked $VenvPython @("-m", "pip", "install", "--quiet", "--require-hashes",
  "--only-binary=:all:", "-r", "installer\requirements-lock.txt")
$Wheels = Join-Path $BuildDir "wheel"
if (Test-Path $Wheels) { Remove-Item -Recurse -Force $Wheels }
Invoke-Checked $VenvPython @("-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
  "-w", $Wheels, ".")
$Wheel = Get-ChildItem (Join-Path $Wheels "revoke_desk-*.whl") | Select-Object -First 1
Invoke-Checked $VenvPython @("-m", "pip", "install", "--quiet", "--no-deps", $Wheel.FullName)

# --- 2. PyInstaller ----------------------------------------------------------------
Write-Host "== PyInstaller"
Push-Location $BuildDir  # outside the checkout: the bundle takes the installed package
try {
  Invoke-Checked (Join-Path $Venv "Scripts\pyinstaller.exe") @("--noconfirm", "--log-level", "WARN",
    "--workpath", (Join-Path $BuildDir "pyinstaller"), "--distpath", $DistDir,
    (Join-Path $Root "installer\revoke-desk.spec"))
} finally { Pop-Location }
$Bundle = Join-Path $DistDir "revoke-desk"
$Cli = Join-Path $Bundle "revoke-desk.exe"

# --- 3. smoke ----------------------------------------------------------------------
$AppVersion = (((& $Cli --version) | Select-Object -First 1) -split " ")[1]  # line 2: the data location
if ($LASTEXITCODE -ne 0 -or -not $AppVersion) { throw "the bundle does not run: revoke-desk.exe --version" }
Write-Host "== bundle: $Bundle (revoke-desk $AppVersion)"
$smokeHome = Join-Path $BuildDir "smoke"
if (Test-Path $smokeHome) { Remove-Item -Recurse -Force $smokeHome }
New-Item -ItemType Directory -Force $smokeHome | Out-Null
$env:QT_QPA_PLATFORM = "offscreen"
$env:REVOKE_DESK_DB = "sqlite:///" + (Join-Path $smokeHome "revoke-desk.sqlite3").Replace("\", "/")
$env:REVOKE_DESK_LOG_DIR = Join-Path $smokeHome "log"
$env:REVOKE_DESK_TRUST_DIR = Join-Path $smokeHome "trust"
try {
  Invoke-Checked $Cli @("--smoke-gui")
} finally {
  foreach ($name in "QT_QPA_PLATFORM", "REVOKE_DESK_DB", "REVOKE_DESK_LOG_DIR", "REVOKE_DESK_TRUST_DIR") {
    Remove-Item "Env:$name" -ErrorAction SilentlyContinue
  }
}

# --- 4. signing (only with a certificate) -------------------------------------------
$SignScript = ""
if ($CertificatePath) {
  $SignTool = Get-Command signtool.exe -ErrorAction SilentlyContinue
  if (-not $SignTool) {
    $SignTool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
      Sort-Object FullName | Select-Object -Last 1
  }
  if (-not $SignTool) { throw "signtool.exe not found (Windows SDK)" }
  $SignToolPath = if ($SignTool -is [System.Management.Automation.CommandInfo]) { $SignTool.Source } else { $SignTool.FullName }
  # The password stays in the environment; the script only names the variable.
  $SignScript = Join-Path $BuildDir "sign.cmd"
  @(
    "@echo off",
    "`"$SignToolPath`" sign /fd SHA256 /f `"$CertificatePath`" /p `"%REVOKE_DESK_SIGN_PASSWORD%`" /tr `"$TimestampUrl`" /td SHA256 /d `"Revoke Desk`" %1",
    "exit /b %ERRORLEVEL%"
  ) | Set-Content -Encoding ASCII $SignScript
  foreach ($exe in "revoke-desk.exe", "revoke-desk-gui.exe") {
    Invoke-Checked "cmd.exe" @("/c", $SignScript, (Join-Path $Bundle $exe))
  }
  Write-Host "== signed the programs with $CertificatePath"
} else {
  Write-Host "== no -CertificatePath: code signing skipped (the installer and programs are unsigned)"
}

$Zip = Join-Path $DistDir "revoke-desk-$AppVersion-windows-x64.zip"
if (Test-Path $Zip) { Remove-Item -Force $Zip }
Compress-Archive -Path $Bundle -DestinationPath $Zip
Write-Host "== $Zip"

# --- 5. the installer --------------------------------------------------------------
if ($SkipInstaller) { return }
$MakeNsis = Get-Command makensis.exe -ErrorAction SilentlyContinue
if ($MakeNsis) { $MakeNsis = $MakeNsis.Source } else { $MakeNsis = "${env:ProgramFiles(x86)}\NSIS\makensis.exe" }
if (-not (Test-Path $MakeNsis)) { throw "makensis.exe not found: install NSIS 3 (choco install nsis)" }
$Setup = Join-Path $DistDir "RevokeDesk-$AppVersion-setup.exe"
$NsisArgs = @("/V2", "/DVERSION=$AppVersion", "/DPAYLOAD=$Bundle", "/DOUTFILE=$Setup")
if ($SignScript) { $NsisArgs += "/DSIGN_SCRIPT=$SignScript" }
$NsisArgs += (Join-Path $Root "installer\windows\revoke-desk.nsi")
Invoke-Checked $MakeNsis $NsisArgs
Write-Host "== $Setup"
