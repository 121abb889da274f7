<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ClerkTableModel</name>
    <message>
        <location filename="../settings_view.py" line="113"/>
        <source>コード</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="114"/>
        <source>氏名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="115"/>
        <source>役割</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="116"/>
        <source>状態</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="119"/>
        <source>担当者</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="120"/>
        <source>店長</source>
        <translation>Manager</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="122"/>
        <source>有効</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="122"/>
        <source>無効</source>
        <translation>Inactive</translation>
    </message>
</context>
<context>
    <name>DatabaseDialog</name>
    <message>
        <location filename="../database_dialog.py" line="49"/>
        <source>データベースの選択</source>
        <translation>Choose the database</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="51"/>
        <source>このパソコン（SQLite）</source>
        <translation>This PC (SQLite)</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="53"/>
        <source>店舗のサーバー（PostgreSQL）</source>
        <translation>The shop's server (PostgreSQL)</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="56"/>
        <source>サーバー名（ホスト）</source>
        <translation>Server (host)</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="57"/>
        <source>ポート</source>
        <translation>Port</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="59"/>
        <source>データベース名</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="60"/>
        <source>ユーザー名</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="61"/>
        <source>パスワード</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="65"/>
        <source>接続を試す</source>
        <translation>Try the connection</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="67"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="70"/>
        <source>キャンセル</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../database_dialog.py" line="128"/>
        <source>接続できました: {url}</source>
        <translation>Connected: {url}</translation>
    </message>
</context>
<context>
    <name>DayCloseView</name>
    <message>
        <location filename="../dayclose_view.py" line="142"/>
        <location filename="../dayclose_view.py" line="373"/>
        <source>日次締め</source>
        <translation>Day close</translation>
    </message>
    <message>
        <location filename="../dayclose_view.py" line="154"/>
        <source>選択…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../dayclose_view.py" line="165"/>
        <source>締める日</source>
        <translation>Day to close</translation>
    </message>
    <message>
        <location filename="../dayclose_view.py" line="166"/>
        <location filename="../dayclose_view.py" line="296"/>
        <source>出力先フォルダ</source>
        <translation>Export folder</translation>
    </message>
    <message>
        <location filename="../dayclose_view.py" line="169"/>
        <source>締める</source>
        <translation>Close the day</translation>
    </message>
    <message>
        <location filename="../dayclose_view.py" line="212"/>
        <source>フォルダを開く</source>
        <translation>Open the folder</translation>
    </message>
    <message>
        <location filename="../dayclose_view.py" line="217"/>
        <source>古物台帳を今すぐ印刷…</source>
        <translation>Print the ledger book now…</translation>
    </message>
    <message>
        <location filename="../dayclose_view.py" line="279"/>
        <source>日次締めは店長のみが行えます。</source>
        <translation>Only a manager can close the day.</translation>
    </message>
    <message>
        <source>完了</source>
        <translation type="vanished">Done</translation>
    </message>
</context>
<context>
    <name>DetailPanel</name>
    <message>
        <location filename="../history.py" line="354"/>
        <source>一覧で受付を選ぶと、ここに詳細が表示されます</source>
        <translation>Select a receipt in the list to see its details here</translation>
    </message>
    <message>
        <location filename="../history.py" line="365"/>
        <source>日時</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../history.py" line="366"/>
        <source>結果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../history.py" line="367"/>
        <source>目的・金額</source>
        <translation>Purpose, price</translation>
    </message>
    <message>
        <location filename="../history.py" line="368"/>
        <source>端末</source>
        <translation>Device</translation>
    </message>
    <message>
        <location filename="../history.py" line="369"/>
        <source>IMEI</source>
        <translation>IMEI</translation>
    </message>
    <message>
        <location filename="../history.py" line="370"/>
        <source>失効の方法</source>
        <translation>Revocation</translation>
    </message>
    <message>
        <location filename="../history.py" line="371"/>
        <source>氏名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../history.py" line="372"/>
        <source>担当・レジ</source>
        <translation>Clerk, station</translation>
    </message>
    <message>
        <location filename="../history.py" line="373"/>
        <source>控えの発行</source>
        <translation>Slips issued</translation>
    </message>
    <message>
        <location filename="../history.py" line="397"/>
        <source>レシート（80mm）</source>
        <translation>80 mm roll</translation>
    </message>
    <message>
        <location filename="../history.py" line="399"/>
        <source>A4</source>
        <translation>A4</translation>
    </message>
    <message>
        <location filename="../history.py" line="413"/>
        <source>用紙</source>
        <translation>Paper</translation>
    </message>
    <message>
        <location filename="../history.py" line="449"/>
        <source>受付の詳細</source>
        <translation>Receipt details</translation>
    </message>
    <message>
        <location filename="../history.py" line="463"/>
        <source>取消済み（{at}、承認: {manager}）— 理由: {reason}</source>
        <translation>Void ({at}, approved by {manager}) — reason: {reason}</translation>
    </message>
    <message>
        <location filename="../history.py" line="472"/>
        <source>訂正後の受付: {receipt}</source>
        <translation>Corrected by: {receipt}</translation>
    </message>
    <message>
        <location filename="../history.py" line="484"/>
        <source>受付 — {fact}</source>
        <translation>Accepted — {fact}</translation>
    </message>
    <message>
        <source>受付（失効確認済み）</source>
        <translation type="vanished">Accepted (revocation attested)</translation>
    </message>
    <message>
        <location filename="../history.py" line="492"/>
        <source>お断り — {reason}</source>
        <translation>Refused — {reason}</translation>
    </message>
    <message>
        <location filename="../history.py" line="508"/>
        <source>{device}（{os}）</source>
        <translation>{device} ({os})</translation>
    </message>
    <message>
        <location filename="../history.py" line="514"/>
        <source>（保存期間が過ぎ消去済み）</source>
        <translation>(erased after the retention period)</translation>
    </message>
    <message>
        <location filename="../history.py" line="523"/>
        <source>レシート</source>
        <translation>Roll</translation>
    </message>
    <message>
        <location filename="../history.py" line="530"/>
        <source>{format} {copies}枚（再発行 {reprints}）</source>
        <translation>{format} {copies} copies ({reprints} reprints)</translation>
    </message>
    <message>
        <location filename="../history.py" line="537"/>
        <source>未発行</source>
        <translation>Not issued</translation>
    </message>
</context>
<context>
    <name>FirstRunView</name>
    <message>
        <location filename="../first_run.py" line="109"/>
        <source>Revoke Desk 初期設定</source>
        <translation>Revoke Desk set-up</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="113"/>
        <source>このレジのステーションコード</source>
        <translation>This counter&apos;s station code</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="125"/>
        <source>店長の担当者コード</source>
        <translation>First manager&apos;s code</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="131"/>
        <source>例: M01</source>
        <translation>e.g. M01</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="126"/>
        <source>店長の氏名</source>
        <translation>Manager&apos;s name</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="127"/>
        <source>店長のPIN（6〜12桁の数字）</source>
        <translation>Manager&apos;s PIN (6–12 digits)</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="129"/>
        <source>PIN（確認のためもう一度）</source>
        <translation>PIN again, to confirm</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="155"/>
        <source>設定して始める</source>
        <translation>Set up and start</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="162"/>
        <source>このパソコンで初めて使うための設定です。店舗の情報は控え（レシート）に印刷されます。</source>
        <translation>Set up this PC for its first use. The shop&apos;s details are printed on every slip.</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="166"/>
        <source>店舗は設定済みです。このレジを追加します。登録済みの店長の担当者コードとPINを入力してください。</source>
        <translation>The shop is already set up: this adds a counter. Enter the code and PIN of an existing manager.</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="176"/>
        <source>店舗</source>
        <translation>Shop</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="183"/>
        <source>このレジと店長</source>
        <translation>This counter and the first manager</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="196"/>
        <source>サーバーのデータベースを使う…</source>
        <translation>Use a database server…</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="213"/>
        <source>初期設定</source>
        <translation>First-time set-up</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="294"/>
        <source>PINが一致しません。同じPINを2回入力してください</source>
        <translation>The PINs do not match: type the same PIN twice</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="336"/>
        <source>赤字の項目を直してから、もう一度「設定して始める」を押してください</source>
        <translation>Correct the fields marked in red, then press “Set up and start” again</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../history_model.py" line="182"/>
        <source>日時</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="183"/>
        <source>受付番号</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="184"/>
        <location filename="../history_model.py" line="197"/>
        <source>取消</source>
        <translation>Void</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="185"/>
        <source>結果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="186"/>
        <source>目的</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="187"/>
        <source>機種</source>
        <translation>Model</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="188"/>
        <source>IMEI</source>
        <translation>IMEI</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="189"/>
        <source>氏名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="190"/>
        <source>担当</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="194"/>
        <source>受付</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="195"/>
        <source>お断り</source>
        <translation>Refused</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="199"/>
        <source>{outcome}（{reason}）</source>
        <translation>{outcome} ({reason})</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="200"/>
        <source>取消済み — 理由: {reason}</source>
        <translation>Void — reason: {reason}</translation>
    </message>
    <message>
        <location filename="../history_model.py" line="201"/>
        <source>（消去済み）</source>
        <translation>(erased)</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../history.py" line="585"/>
        <source>受付番号・IMEI・氏名（スキャナー可）</source>
        <translation>Receipt, IMEI or name (scanner)</translation>
    </message>
    <message>
        <location filename="../history.py" line="590"/>
        <source>期間</source>
        <translation>Dates</translation>
    </message>
    <message>
        <location filename="../history.py" line="598"/>
        <source>クリア</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../history.py" line="601"/>
        <location filename="../history.py" line="1134"/>
        <source>CSVに保存</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <location filename="../history.py" line="607"/>
        <source>履歴</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../history.py" line="662"/>
        <source>↑↓ 選択&#x3000;Enter 詳細&#x3000;{reprint} 再発行&#x3000;{void} 取消&#x3000;{search} 検索</source>
        <translation>↑↓ select   Enter details   {reprint} reprint   {void} void   {search} search</translation>
    </message>
    <message>
        <location filename="../history.py" line="787"/>
        <source>検索しています…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <location filename="../history.py" line="789"/>
        <source>該当する受付はありません</source>
        <translation>No matching receipts</translation>
    </message>
    <message>
        <location filename="../history.py" line="793"/>
        <source>{count}件を表示中（下へスクロールすると続きを読み込みます）</source>
        <translation>{count} shown (scroll down to load more)</translation>
    </message>
    <message>
        <location filename="../history.py" line="798"/>
        <source>{count}件</source>
        <translation>{count} receipts</translation>
    </message>
    <message>
        <location filename="../history.py" line="916"/>
        <source>{receipt} の{count}枚目は印刷されましたが、記録できませんでした。</source>
        <translation>Copy {count} of {receipt} was printed but could not be recorded.</translation>
    </message>
    <message>
        <location filename="../history.py" line="928"/>
        <source>{receipt} の控えを印刷しました（{count}枚目）</source>
        <translation>Printed the slip of {receipt} (copy {count})</translation>
    </message>
    <message>
        <location filename="../history.py" line="938"/>
        <source>{receipt} の{count}枚目は印刷されていません。この控えは記録していません。</source>
        <translation>Copy {count} of {receipt} was not printed. This copy is not recorded.</translation>
    </message>
    <message>
        <source>{receipt} の{count}枚目は記録されましたが、印刷されていません。</source>
        <translation type="vanished">Copy {count} of {receipt} is recorded but was not printed.</translation>
    </message>
    <message>
        <location filename="../history.py" line="967"/>
        <source>{receipt} は既に取り消されています</source>
        <translation>{receipt} is already void</translation>
    </message>
    <message>
        <location filename="../history.py" line="972"/>
        <source>受付の取消</source>
        <translation>Void a receipt</translation>
    </message>
    <message>
        <location filename="../history.py" line="982"/>
        <source>{receipt} を取り消しました</source>
        <translation>{receipt} was voided</translation>
    </message>
    <message>
        <location filename="../history.py" line="1104"/>
        <source>検索結果をCSVに保存</source>
        <translation>Save the search as CSV</translation>
    </message>
</context>
<context>
    <name>HomeView</name>
    <message>
        <location filename="../main_window.py" line="123"/>
        <source>{name} さん、お疲れさまです</source>
        <translation>Hello, {name}</translation>
    </message>
</context>
<context>
    <name>IntakeTexts</name>
    <message>
        <location filename="../intake/texts.py" line="100"/>
        <source>次へ</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="101"/>
        <source>戻る</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="102"/>
        <source>中止</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="103"/>
        <source>確定</source>
        <translation>Commit</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="104"/>
        <source>受付の中止</source>
        <translation>Cancel the intake</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="106"/>
        <source>この受付を中止して、入力した内容を破棄しますか？（元に戻せません）</source>
        <translation>Cancel this intake and discard what was entered? (This cannot be undone.)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="120"/>
        <source>{count}件の項目を直してください（赤字の説明を参照）</source>
        <translation>{count} field(s) need correcting (see the red notes)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="124"/>
        <source>まだ選ばれていません。数字キー 1〜{last} で選んでください</source>
        <translation>Not answered yet: press a number key 1–{last} to choose</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="129"/>
        <source>登録できませんでした</source>
        <translation>Could not commit</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="132"/>
        <source>予期しないエラーが起きました。記録の状態は履歴で確かめてください。詳しくはログにあります</source>
        <translation>Something unexpected went wrong. Check the record in History; the log has the details.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="146"/>
        <source>取引の種類</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="147"/>
        <source>金額（円）</source>
        <translation>Price (yen)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="149"/>
        <source>数字だけで入力します（全角・カンマも可）。修理受付で代金がなければ 0</source>
        <translation>Digits only (full-width digits and commas are fine). 0 for a repair with no price.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="155"/>
        <source>{amount}円として記録します</source>
        <translation>recorded as ¥{amount}</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="163"/>
        <source>金額が0円です</source>
        <translation>The price is ¥0</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="165"/>
        <source>{purpose}の金額が0円になっています。0円で記録しますか？
「いいえ」で金額の入力に戻ります</source>
        <translation>{purpose} for ¥0: record it like this?
&apos;No&apos; goes back to the price.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="172"/>
        <source>同じお客様の{count}台目の端末です（取引 {first}）。これまでの{phones}台で ¥{before}</source>
        <translation>Phone no. {count} of the same customer (transaction {first}); the {phones} before it come to ¥{before}</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="180"/>
        <source>取引の合計 ¥{total}（1万円未満の免除はこの合計で判断します）</source>
        <translation>Transaction total ¥{total} (the exemption under ¥10,000 is judged on it)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="189"/>
        <source>氏名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="190"/>
        <source>フリガナ</source>
        <translation>Name in katakana</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="191"/>
        <source>住所</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="192"/>
        <source>職業</source>
        <translation>Occupation</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="198"/>
        <source>{age}歳</source>
        <translation>age {age}</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="199"/>
        <source>本人確認書類</source>
        <translation>Identity document</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="200"/>
        <source>書類の番号</source>
        <translation>Document number</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="202"/>
        <source>マイナンバーカードの番号は記録しません</source>
        <translation>The card&apos;s number is never recorded</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="207"/>
        <source>健康保険の書類の番号は法律で記録できません。書類の種類だけを記録します</source>
        <translation>A health-insurance document&apos;s number may not be recorded by law: only its type is kept</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="218"/>
        <source>マイナンバーではありませんか？</source>
        <translation>Is this a My Number?</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="221"/>
        <source>マイナンバーではありませんか？
{number} はマイナンバー（個人番号）の形にも当てはまります。店舗は個人番号を記録できません。
運転免許証に書かれた免許証番号と同じなら「はい」、違えば「いいえ」で入力に戻ります</source>
        <translation>Is this a My Number?
{number} also has the form of a My Number (Individual Number), which shops may not record.
&apos;Yes&apos; if it is the number printed on the licence; &apos;No&apos; goes back to the field.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="231"/>
        <source>必須</source>
        <translation>required</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="232"/>
        <source>任意</source>
        <translation>optional</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="234"/>
        <source>古物台帳に記録する取引です。住所・職業・生年月日・本人確認書類は法律で必須です</source>
        <translation>This transaction goes into the dealer&apos;s ledger: address, occupation, date of birth and the identity document are required by law.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="251"/>
        <source>修理受付は古物台帳の対象外です。住所などは任意です</source>
        <translation>A repair is not a dealer&apos;s-ledger transaction: address and the rest are optional.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="255"/>
        <source>取引の種類と金額を決めると、必須の項目が分かります</source>
        <translation>Which fields are required follows from the purpose and the price.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="306"/>
        <source>OS</source>
        <translation>Operating system</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="307"/>
        <source>メーカー</source>
        <translation>Maker</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="308"/>
        <source>機種名</source>
        <translation>Model</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="309"/>
        <source>色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="310"/>
        <source>容量（GB）</source>
        <translation>Storage (GB)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="312"/>
        <source>IMEI（スキャンして Enter）</source>
        <translation>IMEI (scan, then Enter)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="319"/>
        <source>なければ空のまま Enter</source>
        <translation>If there is none, press Enter</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="321"/>
        <source>製造番号（シリアル）</source>
        <translation>Serial number</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="323"/>
        <source>ネットワーク利用制限</source>
        <translation>Network restriction (carrier check)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="326"/>
        <source>不正品の疑い（警察へ届出）</source>
        <translation>Suspected stolen: report to the police</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="337"/>
        <source>不正品の疑い</source>
        <translation>Suspected stolen</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="339"/>
        <source>このIMEIは以前にも受付があります。前回の記録を確かめてください</source>
        <translation>This IMEI has been taken in before: check the earlier records</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="347"/>
        <source>取消済み</source>
        <translation>voided</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="111"/>
        <source>次の項目</source>
        <translation>next field</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="113"/>
        <source>次の項目・最後の項目なら次の画面</source>
        <translation>next field, or the next page from the last one</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="116"/>
        <source>選んで次へ</source>
        <translation>answer and move on</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="117"/>
        <source>チェック</source>
        <translation>tick</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="118"/>
        <source>確定して登録</source>
        <translation>commit</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="127"/>
        <source>控えの発行</source>
        <translation>Slips issued</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="193"/>
        <source>生年月日（西暦）</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="195"/>
        <source>例 1985-04-01（19850401 や 1985/4/1 でも可）</source>
        <translation>e.g. 1985-04-01 (19850401 or 1985/4/1 also work)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="242"/>
        <source>取引の合計が1万円未満の買取・下取りのため、本人確認と台帳の記録は免除されます（記録してもかまいません）</source>
        <translation>A purchase or trade-in totalling under ¥10,000 is exempt from the identity check and the ledger (you may still record them).</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="263"/>
        <source>書類の名称</source>
        <translation>Name of the document</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="264"/>
        <source>例 学生証</source>
        <translation>e.g. student card</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="268"/>
        <source>青少年保護育成条例</source>
        <translation>youth protection ordinance</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="270"/>
        <source>{prefecture}の青少年保護育成条例</source>
        <translation>youth protection ordinance of {prefecture}</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="274"/>
        <source>{age}歳の方です。{limit}歳未満の方からの買取・下取り・委託には、{ordinance}により保護者の同意が必要です。下の欄に保護者の同意を記録してください</source>
        <translation>The seller is {age}. Under {limit}, a purchase, trade-in or consignment needs a guardian&apos;s consent ({ordinance}): record it below.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="283"/>
        <source>{age}歳の方です。当店は{limit}歳未満の方から買取・下取り・委託をお受けしていません（{ordinance}・当店の方針）。この受付は続けられません（修理受付はできます）</source>
        <translation>The seller is {age}. This shop does not buy from anyone under {limit} ({ordinance}, shop policy): this intake cannot go on (a repair can).</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="291"/>
        <source>保護者の同意</source>
        <translation>Guardian&apos;s consent</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="292"/>
        <source>保護者の氏名</source>
        <translation>Guardian&apos;s name</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="293"/>
        <source>続柄</source>
        <translation>Relation</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="295"/>
        <source>連絡先（電話番号など）</source>
        <translation>Contact (telephone …)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="298"/>
        <source>同意を確かめた方法</source>
        <translation>How the consent was confirmed</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="315"/>
        <source>IMEI 2（デュアルSIM）</source>
        <translation>Second IMEI (dual SIM)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="330"/>
        <source>盗品などの疑いがあるときにチェックします。記録に残り、警察へ届け出る対象になります（Space）</source>
        <translation>Tick when the phone may be stolen or otherwise unlawful: the record keeps the flag for a police report (Space).</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="345"/>
        <source>{receipt}&#x3000;{when}
{outcome}</source>
        <translation>{receipt}  {when}
{outcome}</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="361"/>
        <source>Space でチェックを入れ、Enter で次の項目へ。初期化しても電子証明書は消えません（次の画面で確認します）</source>
        <translation>Space ticks a box, Enter goes to the next. A reset does not remove the certificate (the next page asks about it).</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="370"/>
        <source>端末を初期化した（工場出荷時の状態に戻した）</source>
        <translation>The phone was reset to factory settings</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="374"/>
        <source>Googleアカウントを削除した（FRP解除）／iPhoneはアクティベーションロックをオフにした</source>
        <translation>Google account removed (FRP off), or Activation Lock turned off on an iPhone</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="381"/>
        <source>SIMカードを取り出した</source>
        <translation>SIM card taken out</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="384"/>
        <source>SDカードを取り出した（入っていない場合も含む）</source>
        <translation>SD card taken out (or none was fitted)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="388"/>
        <source>おサイフケータイ（FeliCa）のデータを消去した</source>
        <translation>Osaifu-Keitai (FeliCa) data cleared</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="396"/>
        <source>この端末に、マイナンバーカードの電子証明書を入れたことがありますか？</source>
        <translation>Did this phone ever hold the My Number Card certificate?</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="402"/>
        <source>次のうち、どれを行いましたか？</source>
        <translation>Which of these did you do?</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="406"/>
        <source>上の答えで決まります（選ぶ必要はありません）</source>
        <translation>Settled by the answer above (nothing to choose)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="410"/>
        <source>その手続きをしたのはどなたですか？</source>
        <translation>Who carried out the procedure?</translation>
    </message>
    <message>
        <source>私（担当者）は失効の手続きを代わりに行っておらず、手伝ってもいません</source>
        <translation type="vanished">I (the clerk) did not carry out or help with the procedure</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="447"/>
        <source>担当者の確認</source>
        <translation>The clerk&apos;s own statement</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="448"/>
        <source>選んだ方法の手順</source>
        <translation>Steps of the chosen way</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="450"/>
        <source>方法を選ぶと、ここに手順が出ます</source>
        <translation>Choose a way and its steps appear here</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="469"/>
        <source>はい</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="470"/>
        <source>いいえ</source>
        <translation>No</translation>
    </message>
    <message>
        <source>来店された方が電子証明書の名義人ではありません。名義人ご本人あての案内をお渡しします</source>
        <translation type="vanished">The person at the counter is not the certificate holder. A guidance slip addressed to the holder is printed.</translation>
    </message>
    <message>
        <source>担当者が手続きを行った、または手伝いました（担当者の確認にチェックがありません）</source>
        <translation type="vanished">The clerk carried out or helped with the procedure (the clerk&apos;s statement is not ticked).</translation>
    </message>
    <message>
        <source>電子証明書を入れたかどうか分かりません。まずマイナポータルアプリで有効性を確認していただきます</source>
        <translation type="vanished">It is not known whether the phone held the certificate: the holder first checks its validity in the Mynaportal app.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="414"/>
        <source>一時停止のあと、失効の手続きをしたのはどなたですか？</source>
        <translation>Who revoked the certificate after it was suspended?</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="418"/>
        <source>紛失・盗難で一時停止した端末が持ち込まれた場合は、端末の画面（Alt+←）で「不正品の疑い」にチェックを入れるか検討し、疑いがあれば直ちに警察に申告してください</source>
        <translation>A phone suspended after loss or theft: consider ticking &quot;suspected stolen&quot; on the device page (Alt+←), and if you suspect it, report it to the police at once.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="427"/>
        <source>電話（0120-95-0178）で一時停止したのはどなたですか？</source>
        <translation>Who phoned the hotline to suspend the certificate?</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="431"/>
        <source>一時停止は家族など名義人以外でもできます。受け付けられるかどうかは、失効の手続きをした人で決まります</source>
        <translation>Anyone may suspend it (family, for instance): only who revoked it decides whether the intake can be accepted.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="440"/>
        <source>来店された方は、電子証明書の名義人ご本人ですか？</source>
        <translation>Is the person at the counter the certificate holder?</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="454"/>
        <source>この回答なら受け付けられます</source>
        <translation>With these answers the intake can be accepted</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="458"/>
        <source>この回答では受け付けられません</source>
        <translation>With these answers the intake cannot be accepted</translation>
    </message>
    <message>
        <source>失効の手続きを名義人以外（店舗のスタッフ・家族など）が行いました。法律上、手続きは名義人ご本人しかできないため、受け付けられません</source>
        <translation type="vanished">Someone other than the holder (shop staff, family …) carried out the revocation. The law lets only the holder do it, so the intake cannot be accepted.</translation>
    </message>
    <message>
        <source>電子証明書がまだ失効されていません。名義人ご本人に手順をご案内します</source>
        <translation type="vanished">The certificate has not been revoked yet: the holder is given the steps.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="484"/>
        <source>画面をお客様に向けてください</source>
        <translation>Please turn the screen to the customer</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="488"/>
        <source>Alt+← 戻る&#x3000;Esc 中止</source>
        <translation>Alt+← back   Esc cancel</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="491"/>
        <source>お客様が署名を取りやめました。内容を説明し直すか、Alt+← で前に戻ってください</source>
        <translation>The customer did not sign. Explain again, or go back with Alt+←.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="498"/>
        <source>すべて確認した</source>
        <translation>All checks done</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="502"/>
        <source>お客様用の画面（2台目）が見つからないため、この画面に表示しています</source>
        <translation>No second screen for the customer was found: shown on this screen</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="509"/>
        <source>お客様用の画面に表示しています</source>
        <translation>Shown on the customer&apos;s screen</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="513"/>
        <source>署名のあとで内容が変わったため、もう一度署名していただきます</source>
        <translation>The answers changed after signing: the customer signs again</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="518"/>
        <source>署名済み（{count}画）</source>
        <translation>signed ({count} strokes)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="519"/>
        <source>署名なし</source>
        <translation>not signed</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="520"/>
        <source>確認文の言語</source>
        <translation>Statement language</translation>
    </message>
    <message>
        <source>日本語</source>
        <translation type="vanished">Japanese</translation>
    </message>
    <message>
        <source>英語</source>
        <translation type="vanished">English</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="528"/>
        <source>受付：確認控えを印刷します</source>
        <translation>Accepted: the confirmation slip will be printed</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="532"/>
        <source>お断り：記録を残し、手続きのご案内（0120-95-0178 など）を印刷します</source>
        <translation>Refused: the refusal is recorded and a guidance slip (with 0120-95-0178 …) is printed</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="538"/>
        <source>印刷の前にプレビューを表示する</source>
        <translation>Preview before printing</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="540"/>
        <source>署名</source>
        <translation>Signature</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="542"/>
        <source>生年月日</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="543"/>
        <source>IMEI</source>
        <translation>IMEI</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="544"/>
        <source>利用制限</source>
        <translation>Network restriction</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="546"/>
        <source>電子証明書の利用</source>
        <translation>Certificate on the phone</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="548"/>
        <source>対応の方法</source>
        <translation>How it was dealt with</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="549"/>
        <source>手続きをした人</source>
        <translation>Who did it</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="550"/>
        <source>名義人ご本人の来店</source>
        <translation>Holder at the counter</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="551"/>
        <source>担当者は関与していない</source>
        <translation>Clerk did not assist</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="553"/>
        <source>初期化</source>
        <translation>Factory reset</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="555"/>
        <source>アカウント・ロック解除</source>
        <translation>Account / lock removed</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="557"/>
        <source>SIM取り出し</source>
        <translation>SIM taken out</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="558"/>
        <source>SD取り出し</source>
        <translation>SD card taken out</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="559"/>
        <source>おサイフケータイ消去</source>
        <translation>FeliCa cleared</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="561"/>
        <source>取引</source>
        <translation>Transaction</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="562"/>
        <source>同じ取引</source>
        <translation>Same transaction as</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="563"/>
        <source>取引の合計</source>
        <translation>Transaction total</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="564"/>
        <source>一時停止した人</source>
        <translation>Who suspended</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="565"/>
        <source>売主</source>
        <translation>Seller</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="566"/>
        <source>端末</source>
        <translation>Device</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="567"/>
        <source>初期化など</source>
        <translation>Reset checks</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="568"/>
        <source>電子証明書の失効</source>
        <translation>Revocation</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="569"/>
        <source>お客様の確認</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="570"/>
        <source>（記録しません）</source>
        <translation>(not recorded)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="571"/>
        <source>（なし）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="572"/>
        <source>済</source>
        <translation>done</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="573"/>
        <source>未</source>
        <translation>not done</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="576"/>
        <source>受付：名義人ご本人による失効の確認を記録しました</source>
        <translation>Accepted: the holder&apos;s own revocation is on record</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="580"/>
        <source>お断り：理由とお渡しした案内を記録しました</source>
        <translation>Refused: the reason and the guidance given are recorded</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="583"/>
        <source>受付番号</source>
        <translation>Receipt number</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="585"/>
        <source>受付を登録しました</source>
        <translation>The intake is committed</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="588"/>
        <source>お断りを記録しました</source>
        <translation>The refusal is recorded</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="591"/>
        <source>控えを印刷しました（{kind}）</source>
        <translation>The slip was printed ({kind})</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="595"/>
        <source>プレビューを表示しています。Enter で印刷します</source>
        <translation>The preview is open: Enter prints</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="599"/>
        <source>プレビューを閉じたので、控えは印刷されていません。記録は登録済みです。Ctrl+P で印刷してください</source>
        <translation>The preview was closed without printing. The record is committed: press Ctrl+P to print.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="606"/>
        <source>記録は登録済みです。プリンターを確かめて Ctrl+P で再印刷してください</source>
        <translation>The record is committed: check the printer and press Ctrl+P to reprint.</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="613"/>
        <source>失効確認の控え</source>
        <translation>confirmation slip</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="614"/>
        <source>手続きのご案内</source>
        <translation>guidance slip</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="616"/>
        <source>再印刷</source>
        <translation>Reprint</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="617"/>
        <source>次の受付</source>
        <translation>Next intake</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="619"/>
        <source>同じお客様の別の端末</source>
        <translation>Another phone, same customer</translation>
    </message>
    <message>
        <location filename="../intake/texts.py" line="622"/>
        <source>不正品の疑いとして記録しました。警察への届出を忘れずに行ってください</source>
        <translation>Recorded as suspected stolen: remember to report it to the police.</translation>
    </message>
</context>
<context>
    <name>LedgerPrintDialog</name>
    <message>
        <location filename="../ledger_print.py" line="59"/>
        <source>古物台帳を印刷</source>
        <translation>Print the ledger book</translation>
    </message>
    <message>
        <location filename="../ledger_print.py" line="71"/>
        <source>開始日</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../ledger_print.py" line="72"/>
        <source>終了日</source>
        <translation>To</translation>
    </message>
    <message>
        <location filename="../ledger_print.py" line="73"/>
        <location filename="../ledger_print.py" line="127"/>
        <source>印刷</source>
        <translation>Print</translation>
    </message>
    <message>
        <location filename="../ledger_print.py" line="76"/>
        <source>プレビュー</source>
        <translation>Preview</translation>
    </message>
    <message>
        <location filename="../ledger_print.py" line="78"/>
        <source>閉じる</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../lock_screen.py" line="109"/>
        <source>例: C01</source>
        <translation>e.g. C01</translation>
    </message>
    <message>
        <location filename="../lock_screen.py" line="136"/>
        <source>準備中…</source>
        <translation>Preparing…</translation>
    </message>
    <message>
        <location filename="../lock_screen.py" line="276"/>
        <source>準備中… 準備ができ次第、入力されたPINを確認します</source>
        <translation>Preparing… your PIN will be checked as soon as the counter is ready</translation>
    </message>
    <message>
        <location filename="../lock_screen.py" line="112"/>
        <source>ロック解除</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../lock_screen.py" line="143"/>
        <source>ロック中</source>
        <translation>Locked</translation>
    </message>
    <message>
        <location filename="../lock_screen.py" line="144"/>
        <source>担当者コードとPINを入力して Enter を押してください</source>
        <translation>Type your clerk code and PIN, then press Enter</translation>
    </message>
    <message>
        <location filename="../lock_screen.py" line="148"/>
        <source>担当者コード</source>
        <translation>Clerk code</translation>
    </message>
    <message>
        <location filename="../lock_screen.py" line="148"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="../lock_screen.py" line="208"/>
        <source>受付途中のデータがあります（担当: {owner}）。同じ担当者がロック解除すると続きから再開します。</source>
        <translation>An intake is in progress (clerk {owner}): it resumes where it was when the same clerk unlocks.</translation>
    </message>
    <message>
        <location filename="../lock_screen.py" line="232"/>
        <source>担当者コードとPINの両方を入力してください</source>
        <translation>Enter both your clerk code and your PIN</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="150"/>
        <source>Revoke Desk 受付</source>
        <translation>Revoke Desk counter</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="200"/>
        <source>ホーム</source>
        <translation>Home</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="202"/>
        <source>新規受付</source>
        <translation>New intake</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="205"/>
        <source>履歴</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="208"/>
        <source>設定・スタッフ</source>
        <translation>Settings and staff</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="212"/>
        <source>締め・台帳</source>
        <translation>Day close, ledger</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="214"/>
        <source>ロック</source>
        <translation>Lock</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="215"/>
        <source>操作</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="256"/>
        <source>レジ</source>
        <translation>Counter</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="256"/>
        <source>担当</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="256"/>
        <source>レシート</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="260"/>
        <source>ロック中</source>
        <translation>Locked</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="264"/>
        <source>未設定</source>
        <translation>not set</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="366"/>
        <location filename="../main_window.py" line="399"/>
        <source>受付途中のデータ</source>
        <translation>Intake in progress</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="371"/>
        <source>{owner} さんの受付途中のデータは保管されています（表示しません）。{owner} さんがロック解除すると続きから再開できます。</source>
        <translation>The intake {owner} had in progress is kept (and not shown to you). It resumes when {owner} unlocks.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="404"/>
        <source>{owner} さんの受付途中のデータがあります。破棄して新しい受付を始めますか？（破棄すると元に戻せません）</source>
        <translation>{owner} has an intake in progress. Discard it and start a new intake? (This cannot be undone.)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="449"/>
        <source>終了</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="450"/>
        <source>受付途中のデータがあります。破棄して終了しますか？</source>
        <translation>An intake is in progress. Discard it and quit?</translation>
    </message>
</context>
<context>
    <name>ManagerGate</name>
    <message>
        <location filename="../settings_view.py" line="181"/>
        <source>承認</source>
        <translation>Approve</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="192"/>
        <source>店長の担当者コード</source>
        <translation>Manager&apos;s code</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="192"/>
        <source>店長のPIN</source>
        <translation>Manager&apos;s PIN</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="204"/>
        <source>設定とスタッフの管理は店長だけが行えます。店長の担当者コードとPINを入力してください。</source>
        <translation>Only a manager may change settings and staff. Enter a manager&apos;s code and PIN.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="211"/>
        <source>店長の承認が必要です</source>
        <translation>A manager&apos;s approval is needed</translation>
    </message>
</context>
<context>
    <name>MinorsPanel</name>
    <message>
        <location filename="../settings_view.py" line="505"/>
        <source>選ばない</source>
        <translation>Not chosen</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="509"/>
        <source>都道府県（条例）</source>
        <translation>Prefecture (its ordinance)</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="512"/>
        <source>歳未満</source>
        <translation>and under</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="513"/>
        <source>保護者の同意が必要な年齢</source>
        <translation>Guardian&apos;s consent needed</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="515"/>
        <source>同意があれば受け付ける</source>
        <translation>Accept with the guardian&apos;s consent</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="516"/>
        <source>受け付けない</source>
        <translation>Refuse</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="523"/>
        <source>未成年の方からの買取など</source>
        <translation>Buying from a minor</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="524"/>
        <source>未成年の方のルールを保存</source>
        <translation>Save the rule for minors</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="539"/>
        <source>都道府県の青少年保護育成条例は、18歳未満の方から保護者の同意なく古物を買い受けることを禁じています（例 福岡県 第30条）。都道府県を選ぶと年齢が入ります。修理受付にはかかりません。変更は店長の名前で記録に残ります。</source>
        <translation>The prefectures&apos; youth protection ordinances forbid buying second-hand goods from anyone under 18 without a guardian&apos;s consent (e.g. Fukuoka, article 30). Choosing the prefecture fills in the age. Repairs are not covered. A change is recorded in the manager&apos;s name.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="580"/>
        <source>現在のルール: {age}歳未満は保護者の同意を記録して受付</source>
        <translation>Rule in force: under {age}, accepted with a guardian&apos;s recorded consent</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="582"/>
        <source>現在のルール: {age}歳未満からは買取・下取り・委託をしない</source>
        <translation>Rule in force: no purchase, trade-in or consignment from anyone under {age}</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="613"/>
        <source>保存しました</source>
        <translation>Saved</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <location filename="../settings_view.py" line="898"/>
        <source>店舗</source>
        <translation>Shop</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="899"/>
        <source>このレジ</source>
        <translation>This counter</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="900"/>
        <source>スタッフ</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="901"/>
        <source>未成年の方</source>
        <translation>Minors</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="912"/>
        <source>設定・スタッフ</source>
        <translation>Settings and staff</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="947"/>
        <source>承認: {code} {name}</source>
        <translation>Approved by {code} {name}</translation>
    </message>
</context>
<context>
    <name>ShopForm</name>
    <message>
        <location filename="../forms.py" line="192"/>
        <source>店名（必須）</source>
        <translation>Shop name (required)</translation>
    </message>
    <message>
        <location filename="../forms.py" line="193"/>
        <source>古物商許可番号</source>
        <translation>Secondhand dealer licence no.</translation>
    </message>
    <message>
        <location filename="../forms.py" line="194"/>
        <source>許可した公安委員会</source>
        <translation>Issuing public safety commission</translation>
    </message>
    <message>
        <location filename="../forms.py" line="195"/>
        <source>所在地</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../forms.py" line="196"/>
        <source>電話番号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../forms.py" line="197"/>
        <source>タイムゾーン</source>
        <translation>Time zone</translation>
    </message>
    <message>
        <location filename="../forms.py" line="198"/>
        <source>例: 第301020001234号</source>
        <translation>e.g. 第301020001234号</translation>
    </message>
    <message>
        <location filename="../forms.py" line="199"/>
        <source>例: 東京都公安委員会</source>
        <translation>e.g. 東京都公安委員会</translation>
    </message>
</context>
<context>
    <name>ShopPanel</name>
    <message>
        <location filename="../settings_view.py" line="254"/>
        <source>店舗情報を保存</source>
        <translation>Save shop details</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="264"/>
        <source>ここで変えた内容は、これから印刷する控えに載ります。</source>
        <translation>Changes here appear on the slips printed from now on.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="295"/>
        <source>保存しました</source>
        <translation>Saved</translation>
    </message>
</context>
<context>
    <name>StaffPanel</name>
    <message>
        <location filename="../settings_view.py" line="637"/>
        <source>選択した担当者を無効にする</source>
        <translation>Deactivate the selected clerk</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="641"/>
        <source>新しいPIN</source>
        <translation>New PIN</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="642"/>
        <source>新しいPIN（もう一度）</source>
        <translation>New PIN again</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="643"/>
        <source>選択した担当者のPINを再設定</source>
        <translation>Reset the selected clerk&apos;s PIN</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="647"/>
        <source>選択した担当者</source>
        <translation>Selected clerk</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="658"/>
        <source>担当者コード</source>
        <translation>Clerk code</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="659"/>
        <source>例: C02</source>
        <translation>e.g. C02</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="661"/>
        <source>氏名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="663"/>
        <source>担当者</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="664"/>
        <source>店長</source>
        <translation>Manager</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="665"/>
        <source>役割</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="666"/>
        <source>PIN（4〜12桁の数字）</source>
        <translation>PIN (4–12 digits)</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="667"/>
        <source>PIN（もう一度）</source>
        <translation>PIN again</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="668"/>
        <location filename="../settings_view.py" line="672"/>
        <source>スタッフを追加</source>
        <translation>Add staff</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="717"/>
        <source>表で担当者を選んでください</source>
        <translation>Select a clerk in the table</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="742"/>
        <source>先に表から担当者を選んでください</source>
        <translation>Select a clerk in the table first</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="766"/>
        <location filename="../settings_view.py" line="852"/>
        <source>PINが一致しません。同じPINを2回入力してください</source>
        <translation>The PINs do not match: type the same PIN twice</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="795"/>
        <source>{code} {name} を追加しました</source>
        <translation>Added {code} {name}</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="809"/>
        <source>{code} {name} を無効にしますか？無効にした担当者はロック解除できなくなります（記録は残ります）。</source>
        <translation>Deactivate {code} {name}? They will no longer be able to unlock the counter (their records stay).</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="815"/>
        <source>担当者を無効にする</source>
        <translation>Deactivate clerk</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="830"/>
        <source>{code} を無効にしました</source>
        <translation>{code} deactivated</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="871"/>
        <source>{code} のPINを再設定しました</source>
        <translation>New PIN set for {code}</translation>
    </message>
</context>
<context>
    <name>StationPanel</name>
    <message>
        <location filename="../settings_view.py" line="325"/>
        <source>レシート（80mm）のプリンター</source>
        <translation>Receipt printer (80 mm)</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="327"/>
        <source>A4のプリンター</source>
        <translation>A4 printer</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="332"/>
        <source>分</source>
        <translation>min</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="337"/>
        <source>操作がないときに自動でロックするまで</source>
        <translation>Lock automatically after this long idle</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="347"/>
        <source>表示言語（再起動後に反映されます）</source>
        <translation>Language (applies after a restart)</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="352"/>
        <source>自動（2台目の画面があればそちら）</source>
        <translation>Automatic (the second screen when there is one)</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="353"/>
        <source>この画面</source>
        <translation>This screen</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="354"/>
        <source>2台目の画面</source>
        <translation>The second screen</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="362"/>
        <source>お客様の確認・署名の画面</source>
        <translation>Where the customer reads and signs</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="368"/>
        <source>変更…</source>
        <translation>Change…</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="377"/>
        <source>データベース</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="382"/>
        <source>選ぶ</source>
        <translation>Choose</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="390"/>
        <source>締めのたびにバックアップを保存するフォルダ</source>
        <translation>Folder for the backup made at every day close</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="398"/>
        <source>残すバックアップの数</source>
        <translation>Backups kept</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="403"/>
        <source>このパソコン（レジ）だけの設定です。変更はすぐに保存されます。</source>
        <translation>Settings of this PC (counter) only. Changes are saved at once.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="431"/>
        <source>未設定（印刷のたびに選ぶ）</source>
        <translation>Not set (choose at each print)</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="437"/>
        <source>{name}（見つかりません）</source>
        <translation>{name} (not found)</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="444"/>
        <source>保存しました</source>
        <translation>Saved</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="473"/>
        <source>{url}（次回の起動から使われます）</source>
        <translation>{url} (used from the next start)</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="487"/>
        <source>保存しました。表示言語はアプリを再起動すると切り替わります。</source>
        <translation>Saved. The language changes when the app is restarted.</translation>
    </message>
</context>
<context>
    <name>VoidDialog</name>
    <message>
        <location filename="../history.py" line="178"/>
        <source>受付の取消</source>
        <translation>Void a receipt</translation>
    </message>
    <message>
        <location filename="../history.py" line="183"/>
        <source>例: 二重登録、入力誤り</source>
        <translation>e.g. entered twice, typing error</translation>
    </message>
    <message>
        <location filename="../history.py" line="197"/>
        <source>訂正のときだけ: 取り直した受付の番号</source>
        <translation>Corrections only: the receipt taken again</translation>
    </message>
    <message>
        <location filename="../history.py" line="211"/>
        <source>受付番号 {receipt} を取り消します。記録は消えずに残り、取消の理由と承認した店長が台帳に追加されます。</source>
        <translation>Receipt {receipt} will be voided. The record stays; the reason and the approving manager are added to the ledger.</translation>
    </message>
    <message>
        <location filename="../history.py" line="222"/>
        <source>取り消す</source>
        <translation>Void</translation>
    </message>
    <message>
        <location filename="../history.py" line="226"/>
        <source>やめる</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../history.py" line="235"/>
        <source>取消の理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../history.py" line="236"/>
        <source>訂正後の受付番号（任意）</source>
        <translation>Corrected by receipt (optional)</translation>
    </message>
    <message>
        <location filename="../history.py" line="237"/>
        <source>店長の担当者コード</source>
        <translation>Manager&apos;s clerk code</translation>
    </message>
    <message>
        <location filename="../history.py" line="238"/>
        <source>店長のPIN</source>
        <translation>Manager&apos;s PIN</translation>
    </message>
</context>
</TS>
