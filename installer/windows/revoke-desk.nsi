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
; Where the shop's data lives is chosen on a page of its own (or /ALLUSERS when silent):
;   just me (the default)  each Windows account's own %LOCALAPPDATA%\revoke-desk;
;   all users              %ProgramData%\RevokeDesk\data, trust, log for every account in the
;                          local group "RevokeDesk Users" (made here, the installing account
;                          added): a protected DACL on each folder (SYSTEM and Administrators
;                          full control, the group modify, nobody else), and
;                          %ProgramData%\RevokeDesk\location.json (Administrators write,
;                          Users read), which the app reads at start (desktop/config.py).
; The icacls lines are the ones desktop/files.py builds for a shared folder (a test
; compares them).  None of this has run on Windows: the script is compiled with makensis
; on Linux only (docs/threat-model.md).
; Uninstalling removes the program only: the shop's data (database, station keys, log,
; settings), the location file and the group are kept.

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
!define USERS_GROUP "RevokeDesk Users"
!define SYSTEM_SID "*S-1-5-18"
!define ADMINISTRATORS_SID "*S-1-5-32-544"
!define USERS_SID "*S-1-5-32-545"
!define BROAD_SIDS "*S-1-1-0 *S-1-5-11 *S-1-5-32-545"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"
!include "nsDialogs.nsh"

Var AllUsers      ; 1: machine-wide data for the group, 0: each user's own folders
Var RadioMe
Var RadioAll
Var AclFailed

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
Page custom ScopePage ScopePageLeave
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "${APP_NAME} を起動する"
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "${APP_NAME} のプログラムを削除します。店舗のデータ（データベース・署名鍵・ログ・設定）は各ユーザーのフォルダ（%LOCALAPPDATA%\revoke-desk など）または全ユーザー共通のフォルダ（%ProgramData%\RevokeDesk）に残り、削除されません。再インストールすると同じ店舗のデータで起動します。"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Japanese"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP_NAME} は 64 ビット版の Windows が必要です。"
    Abort
  ${EndIf}
  SetRegView 64
  StrCpy $AllUsers 0
  StrCpy $AclFailed 0
  ; an all-users install stays all-users on an upgrade; /ALLUSERS chooses it when silent
  SetShellVarContext all
  ${If} ${FileExists} "$APPDATA\RevokeDesk\location.json"
    StrCpy $AllUsers 1
  ${EndIf}
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
FunctionEnd

Function ScopePage
  !insertmacro MUI_HEADER_TEXT "データの保存場所" "この PC で店舗のデータを使うアカウントを選びます。"
  nsDialogs::Create 1018
  Pop $0
  ${If} $0 == error
    Abort
  ${EndIf}
  ${NSD_CreateLabel} 0 0 100% 30u "受付に使う Windows アカウントが 1 つなら「このユーザーだけ」を、複数のアカウントで同じ店舗を使うなら「この PC のすべてのユーザー」を選んでください。"
  Pop $0
  ${NSD_CreateRadioButton} 0 36u 100% 24u "このユーザーだけ（既定）: データは各アカウントの %LOCALAPPDATA%\revoke-desk に置かれ、そのアカウントだけが読めます。"
  Pop $RadioMe
  ${NSD_CreateRadioButton} 0 66u 100% 36u "この PC のすべてのユーザー: データは %ProgramData%\RevokeDesk に置かれ、ローカル グループ「${USERS_GROUP}」のアカウントだけが読み書きできます（インストールするアカウントを追加します。他のアカウントは管理者が追加してください）。"
  Pop $RadioAll
  ${If} $AllUsers == 1
    ${NSD_Check} $RadioAll
  ${Else}
    ${NSD_Check} $RadioMe
  ${EndIf}
  nsDialogs::Show
FunctionEnd

Function ScopePageLeave
  ${NSD_GetState} $RadioAll $0
  ${If} $0 == ${BST_CHECKED}
    StrCpy $AllUsers 1
  ${Else}
    StrCpy $AllUsers 0
  ${EndIf}
FunctionEnd

; The protected DACL of desktop/files.py's icacls_commands for a shared folder: granted
; first, then inheritance cut, then the broad groups removed.
!macro ProtectShared FOLDER
  nsExec::ExecToLog 'icacls "${FOLDER}" /grant:r ${SYSTEM_SID}:(OI)(CI)F ${ADMINISTRATORS_SID}:(OI)(CI)F "${USERS_GROUP}:(OI)(CI)M" /Q'
  Pop $0
  ${If} $0 != 0
    StrCpy $AclFailed 1
  ${EndIf}
  nsExec::ExecToLog 'icacls "${FOLDER}" /inheritance:r /Q'
  Pop $0
  ${If} $0 != 0
    StrCpy $AclFailed 1
  ${EndIf}
  nsExec::ExecToLog 'icacls "${FOLDER}" /remove:g ${BROAD_SIDS} /Q'
  Pop $0
  ${If} $0 != 0
    StrCpy $AclFailed 1
  ${EndIf}
!macroend

Function MachineWideData
  SetShellVarContext all
  StrCpy $R0 "$APPDATA\RevokeDesk"
  CreateDirectory "$R0\data"
  CreateDirectory "$R0\trust"
  CreateDirectory "$R0\log"
  ; the group (exit 2 when it exists already: kept as it is), and the installing account
  nsExec::ExecToLog 'net localgroup "${USERS_GROUP}" /add /comment:"Revoke Desk counter accounts"'
  Pop $0
  ReadEnvStr $R2 USERNAME
  ReadEnvStr $R3 USERDOMAIN
  nsExec::ExecToLog 'net localgroup "${USERS_GROUP}" "$R3\$R2" /add'
  Pop $0
  ; the base folder: Administrators write, every user reads location.json
  nsExec::ExecToLog 'icacls "$R0" /grant:r ${SYSTEM_SID}:(OI)(CI)F ${ADMINISTRATORS_SID}:(OI)(CI)F ${USERS_SID}:(OI)(CI)RX /Q'
  Pop $0
  ${If} $0 != 0
    StrCpy $AclFailed 1
  ${EndIf}
  nsExec::ExecToLog 'icacls "$R0" /inheritance:r /Q'
  Pop $0
  ${If} $0 != 0
    StrCpy $AclFailed 1
  ${EndIf}
  !insertmacro ProtectShared "$R0\data"
  !insertmacro ProtectShared "$R0\trust"
  !insertmacro ProtectShared "$R0\log"
  ; location.json (format 1 of desktop/config.py); JSON wants each backslash doubled.
  ; FileWrite writes the ANSI code page: the paths here are ASCII (%ProgramData%).
  ${WordReplace} "$R0" "\" "\\" "+" $R1
  FileOpen $0 "$R0\location.json.partial" w
  FileWrite $0 '{$\r$\n  "format": 1,$\r$\n  "scope": "machine",$\r$\n'
  FileWrite $0 '  "data_dir": "$R1\\data",$\r$\n  "trust_dir": "$R1\\trust",$\r$\n'
  FileWrite $0 '  "log_dir": "$R1\\log",$\r$\n  "group": "${USERS_GROUP}"$\r$\n}$\r$\n'
  FileClose $0
  Delete "$R0\location.json"
  Rename "$R0\location.json.partial" "$R0\location.json"
  ${If} $AclFailed == 1
    MessageBox MB_ICONEXCLAMATION "共有フォルダのアクセス権を設定できませんでした（詳細はインストールのログ）。管理者が $R0 のアクセス権を確認してください。" /SD IDOK
  ${EndIf}
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

; all users: the shared folders, the group and the location file; just me: nothing here
; (an existing location file of an earlier all-users install is left as it is)
Section "-DataLocation" SecData
  ${If} $AllUsers == 1
    Call MachineWideData
  ${EndIf}
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
; users' own folders (%LOCALAPPDATA%\revoke-desk, %APPDATA%\revoke-desk) or, all users, in
; %ProgramData%\RevokeDesk with its location file and the group — never under $INSTDIR.
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
