; Revoke Desk の Windows インストーラー (NSIS 3, Unicode)。
; Revoke Desk's Windows installer, in Japanese.
;
;   makensis /DVERSION=0.1.0 /DPAYLOAD=..\..\dist\revoke-desk /DOUTFILE=RevokeDesk-0.1.0-setup.exe
;            [/DSIGN_SCRIPT=sign.cmd] revoke-desk.nsi
;
; PAYLOAD is the PyInstaller one-folder bundle (installer/revoke-desk.spec), with
; revoke-desk-gui.exe (the counter, no console) and revoke-desk.exe (the command line).
; SIGN_SCRIPT, when given, is run on the installer and on the uninstaller as they are
; written (`SIGN_SCRIPT file.exe`); without it nothing is signed (build.ps1 says which).
; Uninstalling removes the program only: the shop's data (database, station keys, log,
; settings) is in each Windows user's %LOCALAPPDATA%\revoke-desk and is kept.

Unicode true
ManifestDPIAware true
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "VERSION を指定してください / pass /DVERSION=x.y.z"
!endif
!ifndef PAYLOAD
  !error "PAYLOAD を指定してください / pass /DPAYLOAD=<the PyInstaller bundle folder>"
!endif
!ifndef OUTFILE
  !define OUTFILE "RevokeDesk-${VERSION}-setup.exe"
!endif
!ifndef VIVERSION
  !define VIVERSION "${VERSION}.0"
!endif
!ifdef SIGN_SCRIPT
  ; signed as they are written; %1 is the file
  !finalize '"${SIGN_SCRIPT}" "%1"'
  !uninstfinalize '"${SIGN_SCRIPT}" "%1"'
!endif

!define APP_NAME "Revoke Desk"
!define APP_NAME_JA "Revoke Desk（電子証明書 失効確認受付）"
!define PUBLISHER "Revoke Desk"
!define GUI_EXE "revoke-desk-gui.exe"
!define CLI_EXE "revoke-desk.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\RevokeDesk"
!define APP_KEY "Software\Revoke Desk"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"

Name "${APP_NAME}"
Caption "${APP_NAME} ${VERSION} セットアップ"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP_NAME}"
InstallDirRegKey HKLM "${APP_KEY}" "InstallDir"
RequestExecutionLevel admin
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VIVERSION}"
VIFileVersion "${VIVERSION}"
VIAddVersionKey /LANG=1041 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1041 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1041 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1041 "FileDescription" "${APP_NAME} セットアップ"
VIAddVersionKey /LANG=1041 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1041 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "..\icons\revoke-desk.ico"
!define MUI_UNICON "..\icons\revoke-desk.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "スマホ用電子証明書の失効確認と古物台帳の受付アプリ ${APP_NAME} ${VERSION} をこの PC にインストールします。$\r$\n$\r$\nインストールには管理者の権限が必要です。"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "license-ja.txt"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "${APP_NAME} を起動する"
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "${APP_NAME} のプログラムを削除します。店舗のデータ（データベース・署名鍵・ログ・設定）は各ユーザーのフォルダ（%LOCALAPPDATA%\revoke-desk など）に残り、削除されません。再インストールすると同じ店舗のデータで起動します。"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Japanese"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP_NAME} は 64 ビット版の Windows が必要です。"
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "!${APP_NAME}（必須）" SecApp
  SectionIn RO
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  ; an upgrade replaces the program folder whole: no library of the old version is left
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0 SW_SHOWNORMAL "" "${APP_NAME_JA}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME} のアンインストール.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${APP_KEY}" "Version" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME_JA}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "デスクトップにショートカットを作る" SecDesktop
  SetShellVarContext all
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0 SW_SHOWNORMAL "" "${APP_NAME_JA}"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "受付アプリ本体（${GUI_EXE}）とコマンドライン（${CLI_EXE}）、スタートメニューのショートカット。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "すべてのユーザーのデスクトップに ${APP_NAME} のショートカットを置きます。"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; Removes what the installer put here, and nothing of the shop's data: that lives in the
; users' own folders (%LOCALAPPDATA%\revoke-desk, %APPDATA%\revoke-desk), never under $INSTDIR.
Section "Uninstall"
  SetShellVarContext all
  Delete "$DESKTOP\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\${APP_NAME} のアンインストール.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "${APP_KEY}"
SectionEnd
