# Indonesian.  Format: see README in this directory.
lang id
decimal ,
group .
suffix nya
verbprefix me
verbprefix di
verbprefix ber
verbprefix ter

# Number words.  The se- forms carry their own one.
num 1 satu
num 2 dua
num 3 tiga
num 4 empat
num 5 lima
num 6 enam
num 7 tujuh
num 8 delapan
num 9 sembilan
num 10 sepuluh
num 11 sebelas
num 100 seratus
num 1000 seribu
num 1000000 sejuta
num 1000000000 semiliar
num 0.5 setengah
teen 10 belas
mult 10 puluh
mult 100 ratus
mult 1000 ribu
mult 1000 rb
mult 1000000 juta
mult 1000000 jt
mult 1000000000 miliar
mult 1000000000 milyar
mult 1000000000000 triliun

# Vague quantities: value is the base magnitude.
vague 10 puluhan
vague 100 ratusan
vague 1000 ribuan
vague 1000000 jutaan
vague 1000000000 miliaran
vague 10 beberapa puluh
vague 100 beberapa ratus
vague 1000 beberapa ribu
vague 1000000 beberapa juta
vague 10 belasan

# Qualifiers.
qual approx sekitar
qual approx kira-kira
qual approx kurang lebih
qual approx hampir
qual approx nyaris
qual approx lebih kurang
qual approx diperkirakan sekitar
qual at_least lebih dari
qual at_least setidaknya
qual at_least sedikitnya
qual at_least minimal
qual at_least paling sedikit
qual at_least melampaui
qual at_least melebihi
qual exact mencapai
qual at_least lebih dari sekitar
qual at_most kurang dari
qual at_most hingga
qual at_most sampai
qual at_most maksimal
qual at_most paling banyak
qual at_most tidak lebih dari
qual exact sebanyak
qual exact sejumlah
qual exact sebesar
qual exact senilai
qual exact total
qual range antara
postqual at_least lebih
postqual at_least lebih banyak
range -
range hingga
range sampai
range sampai dengan
rangepair dan

# Counted nouns → unit groups.
unit troops tentara
unit troops pasukan
unit troops prajurit
unit troops serdadu
unit troops personel militer
unit troops anggota militer
unit troops tentara-tentara
unit troops rekrutan
unit troops sukarelawan
unit personnel personel
unit personnel petugas
unit personnel polisi
unit people orang
unit people jiwa
unit people warga
unit people penduduk
unit people pemuda
unit people pemudi
unit people relawan
unit people pengungsi
unit people migran
unit people penumpang
unit people pekerja
unit people buruh
unit people mahasiswa
unit people demonstran
unit people pengunjuk rasa
unit people massa
unit people pendukung
unit people pemilih
unit people pasien
unit people narapidana
unit people tahanan
unit people nelayan
unit people pendaki
unit people wisatawan
unit people turis
unit people jemaah
unit people calon
unit civilians warga sipil
unit civilians orang sipil
unit children anak-anak
unit children anak
unit children balita
unit children siswa
unit children pelajar
unit women perempuan
unit women wanita
unit houses rumah
unit houses rumah warga
unit houses unit rumah
unit houses bangunan
unit houses gedung
unit schools sekolah
unit families keluarga
unit votes suara
unit hotspots titik api
unit hotspots titik panas
unit aftershocks gempa susulan
unit villages desa
unit hectares ha
unit vehicles kendaraan
unit vehicles kendaraan militer
unit tanks tank
unit drones drone
unit missiles rudal
unit aircraft pesawat
unit ships kapal
weakunit people korban
weakunit people korban jiwa
weakunit people korban tewas
weakunit people korban luka
money usd dolar
money usd dollar
money usd dolar AS
money idr rupiah
money eur euro
currency usd US $
currency usd USD
currency usd $
currency idr Rp
currency idr IDR
currency eur €

# Events.  Active, passive and nominal forms are all listed.
event killed tewas
event killed gugur
event killed terbunuh
event killed dibunuh
event killed meninggal
event killed meninggal dunia
event killed kematian
event killed menewaskan
event killed tewaskan
event killed korban tewas
event killed korban jiwa tewas
event killed teaws          # transposition seen in a real feed item
event killed mati
event killed wafat
event wounded luka
event wounded luka-luka
event wounded terluka
event wounded melukai
event wounded cedera
event wounded luka berat
event wounded luka ringan
event casualties korban
event casualties korban jiwa
event casualties tewas atau terluka
event casualties tewas dan terluka
event casualties terbunuh atau terluka
event casualties tewas atau luka
event casualties tewas maupun terluka
event missing hilang
event missing belum ditemukan
event missing tertimbun
event missing terjebak
event missing terperangkap
event captured ditangkap
event captured penangkapan
event captured menangkap
event captured ditahan
event captured penahanan
event captured diculik
event captured ditawan
event captured tawanan
event captured disandera
event captured sandera
event deployed kirim
event deployed dikirim
event deployed mengirim
event deployed mengirimkan
event deployed pengiriman
event deployed dikerahkan
event deployed mengerahkan
event deployed pengerahan
event deployed ditempatkan
event deployed penempatan
event deployed menempatkan
event deployed dikirimkan
event deployed siapkan
event deployed menyiapkan
event deployed disiagakan
event deployed diterjunkan
event deployed menerjunkan
event enlisted mendaftar
event enlisted bergabung
event enlisted gabung
event enlisted direkrut
event enlisted merekrut
event enlisted perekrutan
event enlisted mendaftarkan diri
event evacuated mengungsi
event evacuated dievakuasi
event evacuated evakuasi
event evacuated mengevakuasi
event evacuated pengungsian
event evacuated melarikan diri
event evacuated kehilangan tempat tinggal
event rescued diselamatkan
event rescued menyelamatkan
event rescued selamat
event arrived tiba
event arrived mendarat
event arrived berlabuh
event arrived kedatangan
event affected terdampak
event affected rusak
event affected terendam
event affected hancur
event affected rusak berat
event affected terbakar
event funding dana
event funding anggaran
event funding bantuan
weakevent deployed tambahan
weakevent deployed berlatih
weakevent deployed dilatih
weakevent deployed dikabarkan dikirim

# Modality.
modal planned akan
modal planned berencana
modal planned rencana
modal planned bakal
modal planned hendak
modal planned siapkan
modal planned menyiapkan
modal planned bersiap
modal estimate diperkirakan
modal estimate perkiraan
modal estimate diduga
modal estimate ditaksir
modal estimate estimasi

# Not counts.
notcount tahun
notcount bulan
notcount minggu
notcount pekan
notcount hari
notcount jam
notcount menit
notcount detik
notcount min
notcount %
notcount persen
notcount km
notcount kilometer
notcount meter
notcount m
notcount cm
notcount kg
notcount ton
notcount derajat
notcount kali
notcount SR
notcount magnitudo
notcount lantai
# Areas are no counts (eval annotation: "2,3 kilometer", areas).
notcount hektare
notcount hektar
notcount ha
notcount km2
notcount WIB
notcount WITA
notcount WIT
prenot pukul
prenot jam
prenot tahun
prenot usia
prenot berusia
prenot umur
prenot nomor
prenot no
prenot halaman
prenot pasal
prenot ayat
prenot abad
prenot kode
prenot magnitudo
prenot tanggal
prenot periode
month januari
month februari
month maret
month april
month mei
month juni
month juli
month agustus
month september
month oktober
month november
month desember
month jan
month feb
month mar
month apr
month jun
month jul
month agu
month agt
month sep
month okt
month nov
month des

# Clause structure.
clause namun
clause tetapi
clause tapi
clause sementara
clause sedangkan
clause padahal
clause meskipun
clause walaupun
clause sehingga
stop yang
stop dan
stop atau
stop dengan
stop untuk
stop dalam
stop pada
stop di
stop ke
stop dari
stop oleh
stop telah
stop sudah
stop sedang
stop itu
stop ini
link dari
link asal
away ke
locative di
away menuju
away melawan
away terhadap
away kepada
away oleh
away untuk
away bagi
away atas
away pada
away dengan
inherit termasuk
inherit di antaranya
inherit diantaranya

# Language detection.
detect yang
detect dan
detect di
detect dengan
detect ini
detect itu
detect dari
detect untuk
detect pada
detect adalah
detect tidak
detect akan
detect telah
detect dalam
detect ke
detect bahwa

# Added forms.
event affected merusak
event affected merusakkan
event affected menghancurkan
event affected porak-poranda
prenot bermagnitudo
prenot salah          # "salah satu": one of, not a count
prenot lantai
unit people penambang
unit people anak muda
unit people anak buah kapal
unit people ABK
unit people tenaga kesehatan
unit people dokter
event captured menahan
event captured menculik
event affected merendam
event affected menghanguskan
event affected hangus
event deployed memberangkatkan
event deployed diberangkatkan
modal estimate memperkirakan
weakevent evacuated pengungsi
event wounded korban luka
stop per
unit people pemudik
event affected roboh
event affected ambruk
event affected hanyut
unit people awak kapal

# Locatives, sources and agents.
locative dalam
locative di wilayah
locative di kawasan
away menurut
away mengutip
away dikutip
away kata
away ujar

# Counter words, elided nouns, sub-counts and roles.
classifier orang
classifier ekor
classifier buah
elide lainnya
elide lagi
elide yang lain
elide sisanya
inherit antara lain
inherit terdiri dari
inherit terdiri atas
inherit rinciannya
inherit dengan rincian
inherit rincian
inherit sebagian di antaranya
role earlier sebelumnya
role earlier bukan
role earlier semula
role comparison naik dari
role comparison turun dari
role comparison dibandingkan
role comparison dibanding
role comparison dari sebelumnya
notnoun saja
notnoun pun
notnoun juga
notnoun kini
notnoun masih
notnoun hanya
notnoun lebih
notnoun sebagian
notnoun tersebut
notnoun itu
notnoun ini
notnoun langsung
notnoun sendiri
notnoun semua
notnoun seluruhnya
notnoun total
notnoun totalnya
notnoun per
notnoun kalinya

# More counted nouns.
unit troops pejuang
unit troops marinir
unit troops militer
unit troops milisi
unit personnel anggota
unit personnel staf
unit personnel petugas keamanan
unit personnel petugas gabungan
unit personnel vaksinator
unit personnel tim SAR
unit personnel nakes
unit personnel perwira
unit personnel tenaga medis
unit people pendemo
unit people penderita
unit people tersangka
unit people korban selamat
unit people jenazah
unit people pria
unit people laki-laki
unit people lansia
unit people ahli waris
unit people sopir
unit people supir
unit people penghuni
unit people masyarakat
unit people imigran
unit children bayi
unit children santri
unit houses hunian
unit houses rumah ibadah
unit houses rumah sakit
unit households KK
unit households kepala keluarga

# More event forms.
event killed membunuh
event killed korban meninggal
event killed korban meninggal dunia
event killed jenazah
event killed ditemukan tewas
event killed ditemukan meninggal
event killed kehilangan nyawa
event killed merenggut nyawa
event killed menelan korban jiwa
event killed tewas seketika
event wounded mengalami luka
event wounded mengalami luka-luka
event wounded mengalami luka berat
event wounded mengalami luka ringan
event wounded luka bakar
event wounded mencederai
event wounded dirawat
event wounded dilarikan ke rumah sakit
event missing dinyatakan hilang
event missing masih hilang
event missing dalam pencarian
event missing masih dalam pencarian
event missing masih dicari
event missing dicari
event missing di bawah reruntuhan
event missing tertimbun reruntuhan
event missing terseret arus
event missing tenggelam
event captured mengamankan
event captured diamankan
event captured dibekuk
event captured membekuk
event captured diringkus
event captured meringkus
event captured tertangkap
event captured menawan
event captured dicokok
event deployed menugaskan
event deployed ditugaskan
event deployed menurunkan
event deployed diturunkan
event deployed dimobilisasi
event deployed memobilisasi
event deployed bersiaga
event deployed dipersiapkan
event enlisted mendaftarkan
event evacuated lari
event evacuated kabur
event evacuated terpaksa mengungsi
event evacuated mengungsikan
event evacuated diungsikan
event evacuated jumlah pengungsi
event evacuated kehilangan rumah
event rescued ditemukan selamat
event rescued ditemukan hidup
event rescued berhasil diselamatkan
event arrived turun dari kapal
event arrived terdampar
event arrived tiba di
event affected rusak ringan
event affected rusak sedang
event affected penderita
event affected terserang
event affected terpapar
event affected mengalami kerusakan
event affected kerusakan
qual approx sekitar hampir
qual exact hanya
qual exact menjadi
qual exact jadi
qual at_least melampaui angka
aux telah
aux sudah
aux dilaporkan
aux dikabarkan
aux dipastikan
aux dinyatakan
aux diduga
aux diketahui
aux tercatat
aux masih
aux kemudian
aux langsung
conj dan
conj serta
conj lalu
conj kemudian
conj atau
conj sedangkan
prenot skala
clause karena
notnoun tidak
notnoun belum
notnoun sangat
notnoun cukup
event other berkapasitas
event other kapasitas
event other membawa
event other berisi
event other berpenumpang
event other mengangkut
source menyebut
source menyebutkan
source mengatakan
source menyatakan
source melaporkan
source mengklaim
source mencatat
source memperkirakan
event affected bantuan untuk
event affected bantuan bagi
vague 100 seratusan
vague 1000 seribuan
vague 10 sepuluhan
event missing mengubur
event missing terkubur
event missing tertimbun longsor
event affected memutus
event affected terputus
eventmap arrived troops deployed
eventmap arrived personnel deployed
event casualties tewas atau hilang
event casualties meninggal atau hilang
event casualties meninggal dunia atau hilang
purpose untuk
purpose guna
event rescued dievakuasi dalam keadaan hidup
event rescued ditemukan dalam keadaan hidup
event rescued dalam keadaan selamat
aux berhasil
link di antara
link antara
# Amount predicates: "jumlah korban bertambah menjadi 71 orang".
qual exact bertambah menjadi
qual exact bertambah jadi
qual exact naik menjadi
qual exact meningkat menjadi
qual exact berjumlah
qual exact sebanyak-banyaknya
classifier unit
weakunit houses unit
rate per
rate untuk setiap
rate setiap
event rescued korban selamat
aux menjadi
aux jadi
# Synonyms and constructions found missing on the project's own check
# set (tests/data/extract/own.jsonl), general words, not passages.
event affected menerjang
event affected diterjang
event affected melanda
event affected dilanda
event affected putus
event affected ambrol
event affected diliburkan
event affected ditutup
event affected tergenang
event affected terisolasi
event affected terisolir
unit people mayat
event killed mayat
unit people jasad
event killed jasad
unit votes surat suara
eventmap deployed votes other
inherit dari jumlah itu
inherit dari jumlah tersebut
inherit dari jumlah ini
# "jumlah korban jiwa ... mencapai 4.000 orang": the toll of the dead;
# "mengalami beberapa ratus korban jiwa" (losses) stays casualties.
event killed jumlah korban jiwa
event killed total korban jiwa
event other terjebak kemacetan
event other terjebak macet
event other terjadi
event affected korban banjir
event affected korban kebakaran
# Only after a currency sign: "Rp2,5 M", "Rp 3 T", "Rp500 jt".
moneymult 1000000000 M
moneymult 1000000000000 T
moneymult 1000000 jt
unit shelters titik pengungsian
unit shelters posko pengungsian
unit shelters tempat pengungsian
unit shelters lokasi pengungsian
eventmap evacuated shelters other
# ----------------------------------------------------------------------
# Language tags and detection (daemon/lang.c).  Kept last, in one block.
# alias: other tags naming Indonesian (BCP 47 primary subtag, any case).
alias in
alias ind
alias indonesian
# detect: very frequent function words (a detect word scores 3, any other
# entry of this file 2, an affix 1; see config/lexicon/README).
detect jadi
detect usai
detect saat
detect hingga
detect oleh
detect atas
detect bagi
detect para
detect sejak
detect karena
detect juga
detect masih
detect sudah
detect belum
detect bisa
detect harus
detect kata
detect ujar
detect tersebut
detect sebagai
detect antara
detect serta
detect atau
detect kepada
detect agar
detect secara
detect terkait
detect jelang
detect versi
detect lagi
detect baru
detect kecil
detect besar
detect muda
detect tim
detect warga
detect rumah
detect harga
detect kota
detect desa
detect pemerintah
detect presiden
detect polisi
detect juara
detect partai
detect kursi
detect naik
detect turun
detect menang
detect kalah
detect hari
detect ini
detect akan
detect mereka
detect kami
detect kita
detect ada
detect tak
detect pun
detect lebih
detect tahun
# detectpre/detectsuf: affixes of Indonesian words (meN-, ber-, ter-,
# di-, peN-, -kan, -nya), tried only on words no lexicon knows.
detectpre meng
detectpre meny
detectpre mem
detectpre men
detectpre ber
detectpre ter
detectpre di
detectpre peng
detectpre pem
detectsuf kan
detectsuf nya
